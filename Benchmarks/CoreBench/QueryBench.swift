import AsyncHTTPClient
import Foundation
import NIOCore

/// Query latency of the page's questions and a day-long range, asked of haetae-core, InfluxDB 1.6
/// and VictoriaMetrics holding the same readings: one request at a time, `rounds` times each with
/// a different line / device, p50 and p99 of request sent → whole answer received.
struct QueryBench {
    let client: HTTPClient
    let series: Int
    let start: Int64
    let end: Int64
    let rounds: Int

    static let sensors = ["temperature", "vibration", "pressure", "current"]
    var devices: Int { series / 4 }

    /// The three questions: the latest value of every series of one line, one sensor's last hour
    /// raw, one sensor's whole day at a 1-minute step (average).
    enum Question: String, CaseIterable {
        case lineLatest = "latest value of every series of a line"
        case hourRaw = "one series, last hour, raw"
        case dayByMinute = "one series, 24 h at 1 min (avg)"
    }

    func run(core: String?, influx: String?, victoria: String?) async throws {
        for question in Question.allCases {
            var row: [String] = []
            if let core { row.append("haetae-core " + (try await measure { try await coreRequest(core, question, $0) })) }
            if let influx { row.append("influxdb " + (try await measure { try await influxRequest(influx, question, $0) })) }
            if let victoria { row.append("victoriametrics " + (try await measure { try await victoriaRequest(victoria, question, $0) })) }
            print("query \(question.rawValue) [\(series) series]: " + row.joined(separator: "; "))
        }
    }

    /// p50 / p99 in ms of `rounds` requests (after one warm-up).
    private func measure(_ request: (Int) async throws -> Int) async throws -> String {
        _ = try await request(rounds)
        var millis: [Double] = []
        var answered = 0
        for round in 0..<rounds {
            let began = ContinuousClock.now
            answered += try await request(round)
            let elapsed = ContinuousClock.now - began
            millis.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) * 1e-15)
        }
        millis.sort()
        let p99 = millis[min(millis.count - 1, Int((Double(millis.count) * 0.99).rounded(.up)) - 1)]
        return String(format: "p50 %.1f ms, p99 %.1f ms (%d values a query)", millis[millis.count / 2], p99, answered / rounds)
    }

    private func device(_ round: Int) -> Int { (round * 7_919) % devices }
    private func line(_ round: Int) -> Int { round % 4 + 1 }

    // MARK: haetae-core

    private func coreRequest(_ base: String, _ question: Question, _ round: Int) async throws -> Int {
        switch question {
        case .lineLatest:
            var count = 0
            var after: Int64?
            repeat {
                let page = try await json(base + "/api/v1/series?site=seoul&line=line\(line(round))" + (after.map { "&after=\($0)" } ?? ""))
                count += (page["series"] as? [Any])?.count ?? 0
                after = (page["next_after"] as? NSNumber)?.int64Value
            } while after != nil
            return count
        case .hourRaw, .dayByMinute:
            let id = try await coreSeriesID(base, round)
            let from = question == .hourRaw ? end - 3_600_000 : start
            let step = question == .hourRaw ? "" : "&step=60000&agg=avg"
            let answer = try await json(base + "/api/v1/readings?series=\(id)&from=\(from)&to=\(end)\(step)")
            return (answer["points"] as? [Any])?.count ?? 0
        }
    }

    private func coreSeriesID(_ base: String, _ round: Int) async throws -> Int64 {
        let answer = try await json(base + "/api/v1/series?device=press-\(device(round))&sensor=\(Self.sensors[round % 4])")
        guard let id = ((answer["series"] as? [[String: Any]])?.first?["id"] as? NSNumber)?.int64Value else {
            throw BenchError(message: "core: no series press-\(device(round))")
        }
        return id
    }

    // MARK: InfluxDB 1.6 (InfluxQL)

    private func influxRequest(_ base: String, _ question: Question, _ round: Int) async throws -> Int {
        let q: String
        switch question {
        case .lineLatest:
            q = "SELECT last(value) FROM readings WHERE site='seoul' AND line='line\(line(round))' GROUP BY device, sensor"
        case .hourRaw:
            q = "SELECT value FROM readings WHERE device='press-\(device(round))' AND sensor='\(Self.sensors[round % 4])' AND time >= \(end - 3_600_000)ms AND time < \(end)ms"
        case .dayByMinute:
            q = "SELECT mean(value) FROM readings WHERE device='press-\(device(round))' AND sensor='\(Self.sensors[round % 4])' AND time >= \(start)ms AND time < \(end)ms GROUP BY time(1m) fill(none)"
        }
        let answer = try await json(base + "/query?db=bench&epoch=ms&q=" + escape(q))
        var count = 0
        for result in answer["results"] as? [[String: Any]] ?? [] {
            for series in result["series"] as? [[String: Any]] ?? [] { count += (series["values"] as? [Any])?.count ?? 0 }
        }
        return count
    }

    // MARK: VictoriaMetrics (PromQL / export)

    private func victoriaRequest(_ base: String, _ question: Question, _ round: Int) async throws -> Int {
        let selector = "readings_value{device=\"press-\(device(round))\",sensor=\"\(Self.sensors[round % 4])\"}"
        switch question {
        case .lineLatest:
            let q = "last_over_time(readings_value{site=\"seoul\",line=\"line\(line(round))\"}[1d])"
            let answer = try await json(base + "/api/v1/query?query=\(escape(q))&time=\(end / 1_000)")
            return ((answer["data"] as? [String: Any])?["result"] as? [Any])?.count ?? 0
        case .hourRaw:
            let body = try await text(base + "/api/v1/export?match%5B%5D=\(escape(selector))&start=\((end - 3_600_000) / 1_000)&end=\(end / 1_000)")
            guard let line = body.split(separator: "\n").first,
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            else { return 0 }
            return (object["values"] as? [Any])?.count ?? 0
        case .dayByMinute:
            let q = "avg_over_time(\(selector)[1m])"
            let answer = try await json(base + "/api/v1/query_range?query=\(escape(q))&start=\(start / 1_000)&end=\(end / 1_000)&step=60")
            let result = (answer["data"] as? [String: Any])?["result"] as? [[String: Any]]
            return (result?.first?["values"] as? [Any])?.count ?? 0
        }
    }

    // MARK: HTTP

    private func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    private func text(_ url: String) async throws -> String {
        let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(120))
        let body = try await response.body.collect(upTo: 256 << 20)
        guard response.status.code == 200 else { throw BenchError(message: "\(url): \(response.status) \(String(buffer: body).prefix(200))") }
        return String(buffer: body)
    }

    private func json(_ url: String) async throws -> [String: Any] {
        let body = try await text(url)
        guard let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else {
            throw BenchError(message: "\(url): not a JSON object")
        }
        return object
    }
}
