// haetae-core-bench: core ingest rows/s against InfluxDB 1.6 and VictoriaMetrics, measured in one
// run with the same readings: each server gets the same N readings as gzip batches of 5,000 (the
// core: columnar JSON batches, DESIGN §3.4, naming series by a dictionary as an edge does — a
// series is defined in the batches sent until the first one using it is acknowledged, taken as
// the 2·C batches from its first use; a 409 is answered with the batch with every key defined;
// `--inline 1` sends the older form listing each batch's series instead; InfluxDB and
// VictoriaMetrics: line protocol to /write), posted by C concurrent
// connections; rows/s = N / (first request sent → last answer received). Bodies are built and
// compressed before the clock starts, so the figure is the server's.
//
// Plant-shaped readings: S series (devices of four sensors over four lines), each sampled every
// `--period-ms` with 0–3 ms of jitter, values a random walk with two decimals, device seqs
// counting up; reading i is series i % S, so a batch of 5,000 at S ≥ 5,000 holds one reading
// per series (the worst case for per-series storage).
//
//     haetae-core-bench --core URL --core-token T [--influx URL] [--victoria URL] [--readings N]
//                       [--connections C] [--series S] [--period-ms P] [--label L] [--inline 0|1]

import AsyncHTTPClient
import CompressNIO
import Foundation
import NIOCore
import Readings

struct Options {
    var core: String?
    var coreToken = ""
    var influx: String?
    var victoria: String?
    var periodMillis: Int64 = 1_000
    /// After ingest (or instead of it, with --skip-ingest): query latency, this many rounds.
    var queryRounds = 0
    var skipIngest = false
    var readings = 1_000_000
    var connections = 4
    var series = 200
    var batch = 5_000
    var edge = "bench"
    var label = "core"
    var inline = false

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            let value = iterator.next() ?? ""
            switch flag {
            case "--core": core = value
            case "--core-token": coreToken = value
            case "--influx": influx = value
            case "--victoria": victoria = value
            case "--period-ms": periodMillis = Int64(value) ?? periodMillis
            case "--query-rounds": queryRounds = Int(value) ?? queryRounds
            case "--skip-ingest": skipIngest = value == "1" || value == "true"
            case "--readings": readings = Int(value) ?? readings
            case "--connections": connections = Int(value) ?? connections
            case "--series": series = Int(value) ?? series
            case "--edge": edge = value
            case "--label": label = value
            case "--inline": inline = value == "1" || value == "true"
            default: fatalError("unknown option \(flag)")
            }
        }
    }
}

let options = Options(CommandLine.arguments)
let series = (0..<options.series).map { index in
    Series(site: "seoul", line: "line\((index / 4) % 4 + 1)", device: "press-\(index / 4)", sensor: ["temperature", "vibration", "pressure", "current"][index % 4], unit: "")
}
let start: Int64 = 1_795_000_000_000
let batches = (options.readings + options.batch - 1) / options.batch

/// The same readings for all: reading i is series i % S at start + (i / S) · period + jitter,
/// its value a per-series random walk in steps of 0.01 (a splitmix hash of i, so no state).
let walk: [Double] = {
    var values = [Double](repeating: 0, count: options.readings)
    var level = (0..<options.series).map { 20 + Double($0 % 50) }
    for i in 0..<options.readings {
        let k = i % options.series
        level[k] = ((level[k] + Double(Int(mix(UInt64(i)) % 41) - 20) / 100) * 100).rounded() / 100
        values[i] = level[k]
    }
    return values
}()

func mix(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

func reading(_ i: Int) -> (sid: Int, ts: Int64, value: Double) {
    (i % options.series, start + Int64(i / options.series) * options.periodMillis + Int64(mix(UInt64(i) << 1) % 4), walk[i])
}

func gzip(_ bytes: [UInt8]) -> ByteBuffer {
    var buffer = ByteBuffer(bytes: bytes)
    return try! buffer.compress(with: .gzip())
}

/// What the core is sent for one batch: `body`, and `defined` (every key defined) for a 409.
struct CoreBody {
    var body: ByteBuffer
    var defined: ByteBuffer?
}

func coreBodies() -> [CoreBody] {
    let dictionary = Int64.random(in: 1...Int64.max)
    var firstUse = [Int](repeating: -1, count: options.series)
    return (0..<batches).map { b in
        let range = (b * options.batch)..<min(options.readings, (b + 1) * options.batch)
        let rows = range.map(reading)
        let ts = rows.map(\.ts), value = rows.map(\.value), deviceSeq = range.map { Int64($0 / options.series) }
        if options.inline {
            // Only the series this batch uses.
            var local: [Int: UInt32] = [:]
            var used: [Series] = []
            let sid = rows.map { row -> UInt32 in
                if let known = local[row.sid] { return known }
                local[row.sid] = UInt32(used.count)
                used.append(series[row.sid])
                return UInt32(used.count - 1)
            }
            let batch = Batch(edge: options.edge, seq: Int64(b + 1), series: used, sid: sid, ts: ts, value: value, deviceSeq: deviceSeq)
            return CoreBody(body: gzip(BatchCodec.encode(batch)))
        }
        var used = Set<Int>()
        for row in rows where used.insert(row.sid).inserted && firstUse[row.sid] < 0 { firstUse[row.sid] = b }
        let keys = used.sorted()
        let toDefine = keys.filter { b < firstUse[$0] + 2 * options.connections }
        func body(_ defined: [Int]) -> ByteBuffer {
            let batch = Batch(
                edge: options.edge, seq: Int64(b + 1), dictionary: dictionary,
                definitions: defined.map { SeriesDefinition(key: UInt32($0), series: series[$0]) },
                sid: rows.map { UInt32($0.sid) }, ts: ts, value: value, deviceSeq: deviceSeq)
            return gzip(BatchCodec.encode(batch))
        }
        return CoreBody(body: body(toDefine), defined: toDefine.count == keys.count ? nil : body(keys))
    }
}

func influxBodies() -> [ByteBuffer] {
    (0..<batches).map { b in
        var text = ""
        for i in (b * options.batch)..<min(options.readings, (b + 1) * options.batch) {
            let r = reading(i)
            let s = series[r.sid]
            text += "readings,site=\(s.site),line=\(s.line),device=\(s.device),sensor=\(s.sensor) value=\(r.value) \(r.ts)\n"
        }
        return gzip(Array(text.utf8))
    }
}

/// Posts every body with `connections` in flight; returns rows/s and bytes sent.
func post(_ bodies: [CoreBody], url: String, headers: [(String, String)], client: HTTPClient) async throws -> (rate: Double, seconds: Double) {
    let next = LockedCounter()
    let conflicts = LockedCounter()
    let began = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<options.connections {
            group.addTask {
                while let index = next.take(below: bodies.count) {
                    var payload = bodies[index].body
                    while true {
                        var request = HTTPClientRequest(url: url)
                        request.method = .POST
                        for (name, value) in headers { request.headers.add(name: name, value: value) }
                        request.headers.add(name: "Content-Encoding", value: "gzip")
                        if url.contains("/api/v1/batches") { request.headers.add(name: "Idempotency-Key", value: "\(options.edge):\(index + 1)") }
                        request.body = .bytes(payload)
                        let response = try await client.execute(request, timeout: .seconds(120))
                        let body = try await response.body.collect(upTo: 1 << 20)
                        if response.status.code == 409, let defined = bodies[index].defined, payload != defined {
                            _ = conflicts.take(below: .max)  // a key not stored yet: send it defined, as an edge does
                            payload = defined
                            continue
                        }
                        guard (200..<300).contains(Int(response.status.code)) else {
                            throw BenchError(message: "\(url): \(response.status) \(String(buffer: body).prefix(200))")
                        }
                        break
                    }
                }
            }
        }
        try await group.waitForAll()
    }
    if case let count = conflicts.take(below: .max) ?? 0, count > 0 { print("  (\(count) batches answered 409 and were sent again with every key defined)") }
    let elapsed = ContinuousClock.now - began
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return (Double(options.readings) / seconds, seconds)
}

struct BenchError: Error, CustomStringConvertible { var message: String; var description: String { message } }

final class LockedCounter: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var value = 0
    func take(below limit: Int) -> Int? {
        lock.withLock {
            guard value < limit else { return nil }
            defer { value += 1 }
            return value
        }
    }
}

let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
do {
    print("haetae-core-bench: \(options.readings) readings over \(options.series) series, batches of \(options.batch), \(options.connections) connections")
    if options.skipIngest {
        // Queries only, on what an earlier run stored.
    } else if let core = options.core {
        let bodies = coreBodies()
        let bytes = bodies.reduce(0) { $0 + $1.body.readableBytes }
        let result = try await post(bodies, url: core + "/api/v1/batches", headers: [("Authorization", "Bearer \(options.coreToken)"), ("Content-Type", "application/json")], client: client)
        print(String(format: "%@: %.0f rows/s (%.2f s, %.2f gzip bytes/reading)", options.label, result.rate, result.seconds, Double(bytes) / Double(options.readings)))
    }
    if !options.skipIngest, options.influx != nil || options.victoria != nil {
        let bodies = influxBodies().map { CoreBody(body: $0) }
        let bytes = bodies.reduce(0) { $0 + $1.body.readableBytes }
        if let influx = options.influx {
            let result = try await post(bodies, url: influx + "/write?db=bench&precision=ms", headers: [("Content-Type", "text/plain")], client: client)
            print(String(format: "influxdb: %.0f rows/s (%.2f s, %.2f gzip bytes/reading)", result.rate, result.seconds, Double(bytes) / Double(options.readings)))
        }
        if let victoria = options.victoria {
            let result = try await post(bodies, url: victoria + "/write?db=bench&precision=ms", headers: [("Content-Type", "text/plain")], client: client)
            print(String(format: "victoriametrics: %.0f rows/s (%.2f s, %.2f gzip bytes/reading)", result.rate, result.seconds, Double(bytes) / Double(options.readings)))
        }
    }
    if options.queryRounds > 0 {
        let end = start + Int64((options.readings + options.series - 1) / options.series) * options.periodMillis
        try await QueryBench(client: client, series: options.series, start: start, end: end, rounds: options.queryRounds)
            .run(core: options.core, influx: options.influx, victoria: options.victoria)
    }
} catch {
    print("haetae-core-bench failed: \(error)")
    try? await client.shutdown().get()
    exit(1)
}
try await client.shutdown().get()
