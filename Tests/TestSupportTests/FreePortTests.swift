import Foundation
import TestSupport
import Testing

@Suite("FreePort")
struct FreePortTests {
    @Test("ports are never handed out twice and stay below the kernel's ephemeral range, where outgoing connections take theirs")
    func distinctBindablePortsOutsideEphemeralRange() throws {
        let ports = (0..<500).map { _ in FreePort.allocate() }
        #expect(Set(ports).count == ports.count)
        let range = try String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)
        let low = Int(range.split(whereSeparator: \.isWhitespace).first ?? "") ?? 0
        if low > 12_000 {
            #expect(ports.allSatisfy { $0 >= 10_000 && $0 < low }, "ephemeral range starts at \(low)")
        }
    }
}
