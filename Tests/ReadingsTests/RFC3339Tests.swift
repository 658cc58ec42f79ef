import Foundation
import Readings
import Testing

/// RFC 3339 timestamps are parsed by hand on the hot path; Foundation is the reference here.
@Suite("RFC 3339 timestamps")
struct RFC3339Tests {
    enum Parsed: Equatable {
        case success(Int64)
        case failure(RejectReason)

        var millis: Int64? {
            if case .success(let millis) = self { return millis }
            return nil
        }
    }

    /// Decodes `{"value":1,"ts":"<text>"}` and returns the reading's ts, or the reject reason.
    func parse(_ text: String) -> Parsed {
        var decoder = PayloadDecoder(template: try! TopicTemplate())
        var out = ReadingColumns()
        switch decoder.decode(topic: "factory/s/l/d/t", #"{"value":1,"ts":"\#(text)"}"#, into: &out) {
        case .accepted: return .success(out.ts[0])
        case .rejected(let reason): return .failure(reason)
        }
    }

    func reference(_ text: String, fractional: Bool) -> Int64? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = fractional ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        return formatter.date(from: text).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
    }

    @Test("agrees with ISO8601DateFormatter across years, offsets and milliseconds")
    func matchesFoundation() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        func pad(_ value: Int, _ width: Int) -> String {
            String(repeating: "0", count: max(0, width - String(value).count)) + String(value)
        }
        for _ in 0..<2_000 {
            let year = 1971 + next(8_000)
            let month = 1 + next(12)
            let day = 1 + next(month == 2 ? 28 : 30)
            let offset = next(3) == 0 ? "Z" : (next(2) == 0 ? "+" : "-") + pad(next(15), 2) + ":" + pad(next(4) * 15, 2)
            let base = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(next(24), 2)):\(pad(next(60), 2)):\(pad(next(60), 2))"
            let whole = base + offset
            let withMillis = base + "." + pad(next(1_000), 3) + offset
            #expect(parse(whole).millis == reference(whole, fractional: false), "\(whole)")
            #expect(parse(withMillis).millis == reference(withMillis, fractional: true), "\(withMillis)")
        }
    }

    @Test("fractions of any length are cut to milliseconds")
    func fractions() {
        #expect(parse("1970-01-01T00:00:00.9Z") == .success(900))
        #expect(parse("1970-01-01T00:00:00.1239999Z") == .success(123))
        #expect(parse("1970-01-01T00:00:01.000000001Z") == .success(1_000))
    }

    @Test("edge dates: leap days, the last millisecond of 9999, a leap second")
    func edges() {
        #expect(parse("2000-02-29T00:00:00Z") == .success(951_782_400_000))
        #expect(parse("1900-02-29T00:00:00Z") == .failure(.badTimestamp))
        #expect(parse("9999-12-31T23:59:59.999Z") == .success(253_402_300_799_999))
        #expect(parse("9999-12-31T23:59:59.999-00:01") == .failure(.badTimestamp))
        #expect(parse("2016-12-31T23:59:60Z") == .success(1_483_228_800_000))
        #expect(parse("1970-01-01 00:00:01Z") == .success(1_000))
    }

    @Test("malformed timestamps are bad_timestamp", arguments: [
        "2024-11-24", "2024-11-24T12:00Z", "2024-13-01T00:00:00Z", "2024-11-24T24:00:00Z",
        "2024-11-24T12:60:00Z", "2024-11-24T12:00:61Z", "2024-11-24T12:00:00.Z", "2024-11-24T12:00:00+0900",
        "2024-11-24T12:00:00+24:00", "2024-11-24T12:00:00Zjunk", "+2024-11-24T12:00:00Z", "2024-1-24T12:00:00Z",
    ])
    func malformed(_ text: String) {
        #expect(parse(text) == .failure(.badTimestamp))
    }
}
