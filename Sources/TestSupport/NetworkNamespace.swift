import Foundation

/// A network namespace made for one test: a second "machine" on a veth pair, so a test can reach
/// a server from an address that is not loopback without sending traffic anywhere else.
///
/// The host side gets `hostAddress`, the namespace `peerAddress` (a /30 of 10.213.0.0/16 picked at
/// random). Deleted (with its veth pair) when the object goes away. Needs root (`ip netns`).
///
/// ```swift
/// let peer = try await NetworkNamespace()
/// let (status, output) = try await peer.run("curl", ["-s", "http://\(peer.hostAddress):9100/metrics"])
/// ```
public final class NetworkNamespace: Sendable {
    public let name: String
    /// This machine's address on the veth pair.
    public let hostAddress: String
    /// The namespace's address: requests from `run` come from here.
    public let peerAddress: String
    private let hostLink: String

    public init() async throws {
        let suffix = UUID().uuidString.prefix(6).lowercased()
        name = "haetae-\(suffix)"
        let block = Int.random(in: 0..<16_384) * 4
        hostAddress = "10.213.\(block / 256).\(block % 256 + 1)"
        peerAddress = "10.213.\(block / 256).\(block % 256 + 2)"
        hostLink = "hv-\(suffix)"
        let peerLink = "pv-\(suffix)"
        let steps: [[String]] = [
            ["netns", "add", name],
            ["link", "add", hostLink, "type", "veth", "peer", "name", peerLink],
            ["link", "set", peerLink, "netns", name],
            ["addr", "add", "\(hostAddress)/30", "dev", hostLink],
            ["link", "set", hostLink, "up"],
            ["netns", "exec", name, "ip", "addr", "add", "\(peerAddress)/30", "dev", peerLink],
            ["netns", "exec", name, "ip", "link", "set", peerLink, "up"],
            ["netns", "exec", name, "ip", "link", "set", "lo", "up"],
        ]
        do {
            for step in steps { try await ChildProcess.run("ip", step) }
        } catch {
            Self.remove(name: name, hostLink: hostLink)
            throw error
        }
    }

    deinit {
        Self.remove(name: name, hostLink: hostLink)
    }

    /// Runs `command` inside the namespace to its end: exit status and standard output.
    public func run(_ command: String, _ arguments: [String], timeout: Duration = .seconds(20)) async throws -> (status: Int32, output: String) {
        let child = try ChildProcess("ip", ["netns", "exec", name, command] + arguments)
        guard let status = await child.waitForExit(timeout: timeout) else {
            child.kill()
            throw TestSupportError("\(command) in \(name) did not finish within \(timeout)")
        }
        return (status, child.standardOutput())
    }

    private static func remove(name: String, hostLink: String) {
        for arguments in [["link", "del", hostLink], ["netns", "del", name]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: (try? ChildProcess.resolve("ip")) ?? "/usr/sbin/ip")
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try? process.run()
            process.waitUntilExit()
        }
    }
}
