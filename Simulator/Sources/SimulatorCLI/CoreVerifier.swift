import AsyncHTTPClient
import ConfigFile
import Foundation
import NIOCore
import SimulatorEngine
import Webhooks

/// `--verify-core URL`: once publishing is done, waits until the core has caught up, then holds
/// what it stored (`GET /api/v1/delivery`, per reading its device seq and store time) against
/// what each device published (``DeliveryLedger``): sent vs stored, lost and duplicated per
/// device, and publish → stored latency.
///
/// Only readings the core stored after the run started count, so earlier runs against the same
/// core do not; the core and the simulator are assumed to have clocks within a second or two.
struct CoreVerifier: Sendable {
    let baseURL: String
    let token: String?
    let client: HTTPClient
    /// Whether `client` is this verifier's own (a core behind a private CA), to shut down.
    private let ownsClient: Bool

    /// - Parameter caFile: the CA that signed an https:// core (`--core-ca-file`); the system's otherwise.
    init(url: String, tokenFile: String?, caFile: String? = nil) throws {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw SimFailure(message: "--verify-core \(url): use http://host:port or https://host:port")
        }
        baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        if let tokenFile {
            guard let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
                throw SimFailure(message: "--core-token-file \(tokenFile): cannot read it")
            }
            token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        } else {
            token = ProcessInfo.processInfo.environment["HAETAE_SIM_CORE_TOKEN"]
        }
        if let caFile {
            guard FileManager.default.isReadableFile(atPath: caFile) else { throw SimFailure(message: "--core-ca-file \(caFile): cannot read it") }
            var configuration = HTTPClient.Configuration()
            configuration.tlsConfiguration = try HTTPClientTLS.configuration(ClientTLSFiles(caFile: caFile))
            client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            ownsClient = true
        } else {
            client = HTTPClient.shared
            ownsClient = false
        }
    }

    /// Closes the verifier's own client (call once, when done).
    func shutdown() async {
        if ownsClient { try? await client.shutdown() }
    }

    /// Most pages of 10,000 series read per site (10 million series).
    static let maxSeriesPages = 1_000

    /// A series of the simulated devices as the core lists it.
    struct StoredSeries: Decodable {
        var id: Int64
        var site: String
        var line: String
        var device: String
        var count: Int64
    }

    /// The series of `devices` (`site/line/device`) the core holds, or nil when it cannot be asked.
    func series(of devices: Set<String>) async -> [StoredSeries]? {
        let sites = Set(devices.compactMap { $0.split(separator: "/", maxSplits: 1).first.map(String.init) })
        var found: [StoredSeries] = []
        struct Listing: Decodable {
            var series: [StoredSeries]
            /// Set when the page was full: ask again from after this id.
            var nextAfter: Int64?
            enum CodingKeys: String, CodingKey {
                case series
                case nextAfter = "next_after"
            }
        }
        for site in sites.sorted() {
            // The listing comes in pages (a plant has tens of thousands of series); bounded, so
            // a core that keeps answering "more" cannot hold the verifier forever.
            var after: Int64?
            for _ in 0..<Self.maxSeriesPages {
                let path = "/api/v1/series?site=\(Self.escape(site))&limit=10000" + (after.map { "&after=\($0)" } ?? "")
                guard let listing: Listing = try? await get(path) else { return nil }
                found += listing.series.filter { devices.contains("\($0.site)/\($0.line)/\($0.device)") }
                guard let next = listing.nextAfter, next != after else { break }
                after = next
            }
        }
        return found
    }

    /// What the core's device registry says of `devices` (`site/line/device`), by key, asked
    /// line by line (a line holds far fewer than the 10,000 devices one answer lists), or nil
    /// when it cannot be asked.
    func registry(of devices: Set<String>) async -> [String: RegistryCheck.Seen]? {
        struct Listing: Decodable {
            struct Device: Decodable {
                struct Seq: Decodable { var missing: Int64 }
                struct Clock: Decodable {
                    var off: Bool
                    var offsetMillis: Int64?
                    enum CodingKeys: String, CodingKey {
                        case off
                        case offsetMillis = "offset_ms"
                    }
                }
                var site: String
                var line: String
                var device: String
                var seq: Seq
                var clock: Clock
            }
            var devices: [Device]
        }
        let lines = Set(devices.compactMap { key -> String? in
            let parts = key.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count == 3 ? "\(parts[0])/\(parts[1])" : nil
        })
        var seen: [String: RegistryCheck.Seen] = [:]
        for line in lines.sorted() {
            let parts = line.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            let path = "/api/v1/devices?site=\(Self.escape(parts[0]))&line=\(Self.escape(parts[1]))&limit=10000"
            guard let listing: Listing = try? await get(path) else { return nil }
            for device in listing.devices {
                seen["\(device.site)/\(device.line)/\(device.device)"] = RegistryCheck.Seen(
                    missing: device.seq.missing, clockOff: device.clock.off, clockOffsetMillis: device.clock.offsetMillis)
            }
        }
        return seen
    }

    /// Readings of `devices` the core holds in total, or nil when it cannot be asked.
    func storedCount(of devices: Set<String>) async -> Int64? {
        await series(of: devices).map { $0.reduce(0) { $0 + $1.count } }
    }

    /// Polls until the core holds `expected` more readings than `baseline` (when known), or the
    /// count has not moved for `idle` seconds while the core answered, or `wait` seconds pass.
    /// Returns the seconds waited and whether the expected count was reached.
    func waitForCatchUp(devices: Set<String>, baseline: Int64?, expected: Int64, wait: Double, idle: Double) async -> (seconds: Double, caughtUp: Bool) {
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(Int64(wait * 1_000))
        var last: Int64 = -1
        var lastChange = start
        while ContinuousClock.now < deadline {
            if let count = await storedCount(of: devices) {
                if let baseline, count - baseline >= expected { return (Self.seconds(since: start), true) }
                if count != last {
                    last = count
                    lastChange = .now
                } else if ContinuousClock.now - lastChange >= .milliseconds(Int64(idle * 1_000)) {
                    break
                }
            } else {
                lastChange = .now  // down or unreachable: not idle, keep waiting
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
        return (Self.seconds(since: start), false)
    }

    /// One series' delivery rows.
    struct SeriesDelivery: Decodable {
        var seq: [Int64]
        var storedAt: [Int64]
        /// Where the next page starts, when the core answered in pages.
        var nextFrom: Int64?

        enum CodingKeys: String, CodingKey {
            case seq
            case storedAt = "stored_at"
            case nextFrom = "next_from"
        }
    }

    /// What the core stored since `storedSince` for each series, with ts in `[from, to)`,
    /// following the core's pages (at most 100,000 rows each) to the end of the range.
    func delivery(series: StoredSeries, from: Int64, to: Int64, storedSince: Int64) async throws -> SeriesDelivery {
        var all = SeriesDelivery(seq: [], storedAt: [], nextFrom: nil)
        var pageFrom = from
        for _ in 0..<100_000 {  // bounded: each page moves `from` forward
            let page: SeriesDelivery = try await get(
                "/api/v1/delivery?series=\(series.id)&from=\(pageFrom)&to=\(to)&stored_since=\(storedSince)")
            all.seq += page.seq
            all.storedAt += page.storedAt
            guard let next = page.nextFrom, next > pageFrom else { break }
            pageFrom = next
        }
        return all
    }

    private func get<T: Decodable>(_ path: String) async throws -> T {
        var request = HTTPClientRequest(url: baseURL + path)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 512 << 20)
        guard response.status == .ok else {
            throw SimFailure(message: "core \(baseURL)\(path): \(response.status.code) \(String(buffer: body).prefix(200))")
        }
        return try JSONDecoder().decode(T.self, from: Data(buffer: body))
    }

    private static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return ((Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) * 1_000).rounded() / 1_000
    }
}
