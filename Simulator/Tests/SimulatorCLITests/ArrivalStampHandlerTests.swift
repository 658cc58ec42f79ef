import HTTPTypes
import NIOEmbedded
import NIOHTTPTypes
import Testing

@testable import SimulatorCLI

@Suite("Webhook arrival stamp")
struct ArrivalStampHandlerTests {
    @Test("a request's head is stamped with the wall-clock time it was read, replacing any stamp the client sent")
    func stampsHeadReplacingClientValue() throws {
        let channel = EmbeddedChannel(handler: ArrivalStampHandler())
        defer { _ = try? channel.finish() }
        var head = HTTPRequest(method: .post, scheme: "http", authority: "127.0.0.1", path: "/hooks")
        head.headerFields[ArrivalStampHandler.headerName] = "1"  // forged: an arrival in 1970
        head.headerFields[.contentType] = "application/json"
        let before = AlertReceiver.wallMicros()
        try channel.writeInbound(HTTPRequestPart.head(head))
        let after = AlertReceiver.wallMicros()

        let part = try #require(try channel.readInbound(as: HTTPRequestPart.self))
        guard case .head(let stamped) = part else {
            Issue.record("expected the head, got \(part)")
            return
        }
        let values = stamped.headerFields[values: ArrivalStampHandler.headerName]
        #expect(values.count == 1)
        let micros = try #require(values.first.flatMap { Int64($0) })
        #expect(micros >= before && micros <= after)
        #expect(stamped.headerFields[.contentType] == "application/json")
    }

    @Test("body and end parts pass through unchanged")
    func bodyPassesThrough() throws {
        let channel = EmbeddedChannel(handler: ArrivalStampHandler())
        defer { _ = try? channel.finish() }
        var buffer = channel.allocator.buffer(capacity: 4)
        buffer.writeString("{}")
        try channel.writeInbound(HTTPRequestPart.body(buffer))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == .body(buffer))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == .end(nil))
    }
}
