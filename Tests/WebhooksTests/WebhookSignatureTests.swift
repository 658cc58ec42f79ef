import Foundation
import TestSupport
import Testing
@testable import Webhooks

@Suite("Standard Webhooks signatures")
struct WebhookSignatureTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    @Test("match the spec's published example")
    func knownAnswer() throws {
        let signer = WebhookSigner(secret: try WebhookSecret(parsing: Self.secret))
        let signature = signer.sign(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Array(#"{"test": 2432232314}"#.utf8))
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test(
        "match the reference Python library byte for byte",
        arguments: [
            ("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", Int64(1_732_400_000), #"{"type":"alert.firing","data":{"value":871.5}}"#),
            ("msg_01JDQ4Z7A0", Int64(1), ""),
            ("msg_unicode", Int64(1_900_000_000), "{\"summary\":\"용광로 과열 — 871°C\",\n\"edge\":\"seoul-a\"}"),
        ])
    func matchesPython(id: String, timestamp: Int64, body: String) async throws {
        let program = """
            import sys
            from datetime import datetime, timezone
            from standardwebhooks import Webhook
            secret, msg_id, ts, body = sys.argv[1:5]
            print(Webhook(secret).sign(msg_id, datetime.fromtimestamp(int(ts), tz=timezone.utc), body))
            """
        let expected = try await ChildProcess.run("python3", ["-c", program, Self.secret, id, "\(timestamp)", body])
        let secret = try WebhookSecret(parsing: Self.secret)
        let pythonSignature = expected.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(WebhookSigner(secret: secret).sign(id: id, timestamp: timestamp, body: Array(body.utf8)) == pythonSignature)
        // And what the reference library signs, the verifier accepts.
        try WebhookVerifier(secret: secret).verify(
            id: id, timestamp: "\(timestamp)", signature: pythonSignature, body: Array(body.utf8), nowSeconds: timestamp)
    }

    @Test("verify accepts its own signature among others, with headers in any case")
    func verifies() throws {
        let secret = try WebhookSecret(parsing: Self.secret)
        let body = Array(#"{"ok":true}"#.utf8)
        let good = WebhookSigner(secret: secret).sign(id: "msg_1", timestamp: 1_000, body: body)
        let other = WebhookSigner(secret: .generate()).sign(id: "msg_1", timestamp: 1_000, body: body)
        let verifier = WebhookVerifier(secret: secret)
        try verifier.verify(
            headers: ["Webhook-Id": "msg_1", "WEBHOOK-TIMESTAMP": "1000", "webhook-signature": "v2,abc \(other) garbage \(good)"],
            body: body, nowSeconds: 1_100)
        try verifier.verify(
            headers: [(name: "webhook-id", value: "msg_1"), (name: "webhook-timestamp", value: "1000"), (name: "webhook-signature", value: good)],
            body: body, nowSeconds: 900)
    }

    @Test("verify rejects what a receiver must reject")
    func rejects() throws {
        let secret = try WebhookSecret(parsing: Self.secret)
        let body = Array(#"{"ok":true}"#.utf8)
        let signature = WebhookSigner(secret: secret).sign(id: "msg_1", timestamp: 1_000, body: body)
        let verifier = WebhookVerifier(secret: secret)
        func code(
            id: String? = "msg_1", timestamp: String? = "1000", signature sig: String? = signature, body: [UInt8] = body,
            now: Int64 = 1_000, verifier: WebhookVerifier = verifier
        ) -> WebhookVerificationError.Code? {
            do {
                try verifier.verify(id: id, timestamp: timestamp, signature: sig, body: body, nowSeconds: now)
                return nil
            } catch {
                return error.code
            }
        }
        #expect(code() == nil)
        #expect(code(body: Array(#"{"ok":false}"#.utf8)) == .noMatchingSignature)
        #expect(code(id: "msg_2") == .noMatchingSignature)
        #expect(code(verifier: WebhookVerifier(secret: .generate())) == .noMatchingSignature)
        #expect(code(signature: "v1,not-base64!") == .noMatchingSignature)
        #expect(code(signature: signature.replacingOccurrences(of: "v1,", with: "v2,")) == .noMatchingSignature)
        #expect(code(now: 1_301) == .timestampTooOld)
        #expect(code(now: 1_300) == nil)
        #expect(code(now: 699) == .timestampTooNew)
        #expect(code(timestamp: "1000.5") == .invalidTimestamp)
        #expect(code(id: nil) == .missingHeader)
        #expect(code(signature: "") == .missingHeader)
    }

    @Test("ids are msg_ ULIDs that sort by creation time")
    func messageIDs() {
        var generator = SeededGenerator(seed: 7)
        let early = WebhookMessageID.make(createdAtMillis: 1_732_400_000_000, using: &generator)
        let late = WebhookMessageID.make(createdAtMillis: 1_732_400_000_001, using: &generator)
        #expect(early.hasPrefix("msg_") && early.count == 30)
        #expect(early < late)
        #expect(WebhookMessageID.make(createdAtMillis: 5) != WebhookMessageID.make(createdAtMillis: 5))
        // The ULID spec's example time 1469918176385 encodes as 01ARYZ6S41.
        #expect(WebhookMessageID.make(createdAtMillis: 1_469_918_176_385).dropFirst(4).prefix(10) == "01ARYZ6S41")
    }
}
