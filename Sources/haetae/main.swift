// The container image's one binary: it is haetae-edge, haetae-core or haetae-sim, by the name it
// is started under (symbolic links, as busybox does). The three share the Swift runtime,
// Foundation with its ICU data, SwiftNIO and the rest, so the image carries them once instead of
// three times.
import CoreCLI
import EdgeCLI
import SimulatorCLI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let calledAs = CommandLine.arguments.first?.split(separator: "/").last.map(String.init) ?? ""
switch calledAs {
case "haetae-edge": await HaetaeEdge.start()
case "haetae-core": await HaetaeCore.start()
case "haetae-sim": await HaetaeSim.start()
default:
    let usage = """
        haetae: start me as haetae-edge, haetae-core or haetae-sim (symbolic links to this file;
        in the image, /usr/local/bin/haetae-edge and so on), not as \(calledAs.isEmpty ? "?" : calledAs).

        """
    _ = usage.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    exit(2)
}
