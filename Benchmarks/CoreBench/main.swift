// haetae-core-bench: core ingest rows/s against InfluxDB 1.6, measured in one run with the same
// readings: each server gets the same N readings as gzip batches of 5,000 (the core: columnar
// JSON batches, DESIGN §3.4; InfluxDB: line protocol to /write), posted by C concurrent
// connections; rows/s = N / (first request sent → last answer received). Bodies are built and
// compressed before the clock starts, so the figure is the server's.
//
//     haetae-core-bench --core URL --core-token T [--influx URL] [--readings N] [--connections C] [--series S] [--label L]

import AsyncHTTPClient
import CompressNIO
import Foundation
import NIOCore
import Readings

struct Options {
    var core: String?
    var coreToken = ""
    var influx: String?
    var readings = 1_000_000
    var connections = 4
    var series = 200
    var batch = 5_000
    var edge = "bench"
    var label = "core"

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            let value = iterator.next() ?? ""
            switch flag {
            case "--core": core = value
            case "--core-token": coreToken = value
            case "--influx": influx = value
            case "--readings": readings = Int(value) ?? readings
            case "--connections": connections = Int(value) ?? connections
            case "--series": series = Int(value) ?? series
            case "--edge": edge = value
            case "--label": label = value
            default: fatalError("unknown option \(flag)")
            }
        }
    }
}

let options = Options(CommandLine.arguments)
let series = (0..<options.series).map { index in
    Series(site: "seoul", line: "line\(index % 4 + 1)", device: "press-\(index / 4)", sensor: ["temperature", "vibration", "pressure", "current"][index % 4], unit: "")
}
let start: Int64 = 1_795_000_000_000
let batches = (options.readings + options.batch - 1) / options.batch

/// The same readings for both: reading i is series i % S at start + (i / S) · 100 ms.
func reading(_ i: Int) -> (sid: Int, ts: Int64, value: Double) {
    (i % options.series, start + Int64(i / options.series) * 100, 20 + Double(i % 977) * 0.01)
}

func gzip(_ bytes: [UInt8]) -> ByteBuffer {
    var buffer = ByteBuffer(bytes: bytes)
    return try! buffer.compress(with: .gzip())
}

func coreBodies() -> [ByteBuffer] {
    (0..<batches).map { b in
        let range = (b * options.batch)..<min(options.readings, (b + 1) * options.batch)
        let rows = range.map(reading)
        let batch = Batch(
            edge: options.edge, seq: Int64(b + 1), series: series, sid: rows.map { UInt32($0.sid) }, ts: rows.map(\.ts),
            value: rows.map(\.value), deviceSeq: Array(repeating: -1, count: rows.count))
        return gzip(BatchCodec.encode(batch))
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
func post(_ bodies: [ByteBuffer], url: String, headers: [(String, String)], client: HTTPClient) async throws -> (rate: Double, seconds: Double) {
    let next = LockedCounter()
    let began = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<options.connections {
            group.addTask {
                while let index = next.take(below: bodies.count) {
                    var request = HTTPClientRequest(url: url)
                    request.method = .POST
                    for (name, value) in headers { request.headers.add(name: name, value: value) }
                    request.headers.add(name: "Content-Encoding", value: "gzip")
                    if url.contains("/api/v1/batches") { request.headers.add(name: "Idempotency-Key", value: "\(options.edge):\(index + 1)") }
                    request.body = .bytes(bodies[index])
                    let response = try await client.execute(request, timeout: .seconds(120))
                    let body = try await response.body.collect(upTo: 1 << 20)
                    guard (200..<300).contains(Int(response.status.code)) else {
                        throw BenchError(message: "\(url): \(response.status) \(String(buffer: body).prefix(200))")
                    }
                }
            }
        }
        try await group.waitForAll()
    }
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
    if let core = options.core {
        let bodies = coreBodies()
        let bytes = bodies.reduce(0) { $0 + $1.readableBytes }
        let result = try await post(bodies, url: core + "/api/v1/batches", headers: [("Authorization", "Bearer \(options.coreToken)"), ("Content-Type", "application/json")], client: client)
        print(String(format: "%@: %.0f rows/s (%.2f s, %.2f gzip bytes/reading)", options.label, result.rate, result.seconds, Double(bytes) / Double(options.readings)))
    }
    if let influx = options.influx {
        let bodies = influxBodies()
        let bytes = bodies.reduce(0) { $0 + $1.readableBytes }
        let result = try await post(bodies, url: influx + "/write?db=bench&precision=ms", headers: [("Content-Type", "text/plain")], client: client)
        print(String(format: "influxdb: %.0f rows/s (%.2f s, %.2f gzip bytes/reading)", result.rate, result.seconds, Double(bytes) / Double(options.readings)))
    }
} catch {
    print("haetae-core-bench failed: \(error)")
    try? await client.shutdown().get()
    exit(1)
}
try await client.shutdown().get()
