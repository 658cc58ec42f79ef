import Foundation
import Testing
@testable import Webhooks

@Suite("Webhook secrets")
struct WebhookSecretTests {
    @Test("parses whsec_ base64, ignoring surrounding whitespace and missing padding")
    func parses() throws {
        let secret = try WebhookSecret(parsing: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n")
        #expect(secret.bytes.count == 24)
        let unpadded = try WebhookSecret(parsing: "whsec_AQID")  // 3 bytes, no padding needed
        #expect(unpadded.bytes == [1, 2, 3])
        let needsPadding = try WebhookSecret(parsing: "whsec_AQI")
        #expect(needsPadding.bytes == [1, 2])
        let padded = try WebhookSecret(parsing: "  whsec_AQI=  ")
        #expect(padded.bytes == [1, 2])
    }

    @Test("round-trips through its encoded form")
    func roundTrips() throws {
        let secret = WebhookSecret.generate()
        #expect(secret.bytes.count == 32)
        #expect(try WebhookSecret(parsing: secret.encoded).bytes == secret.bytes)
    }

    @Test(
        "explains a bad secret without echoing it",
        arguments: [
            ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", WebhookSecretError.Code.missingPrefix),
            ("whsec_", .empty),
            ("whsec_Mf*Q9r8GKYqrTwjU", .invalidCharacter),
            ("whsec_MfKQ=9r8", .invalidCharacter),
            ("whsec_MfKQ9", .invalidLength),
        ])
    func rejects(text: String, code: WebhookSecretError.Code) {
        #expect {
            try WebhookSecret(parsing: text)
        } throws: { error in
            guard let error = error as? WebhookSecretError else { return false }
            let secretPart = text.replacingOccurrences(of: "whsec_", with: "")
            return error.code == code && (secretPart.count < 4 || !error.description.contains(secretPart))
        }
    }

    @Test("never prints its key")
    func redacted() throws {
        let secret = try WebhookSecret(parsing: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        for text in ["\(secret)", String(reflecting: secret), "\([secret])"] {
            #expect(!text.contains("MfKQ9r8"))
            #expect(text.contains("redacted"))
        }
        #expect(Mirror(reflecting: secret).children.isEmpty)
        // Nor does a configuration that holds it.
        let receiver = WebhookReceiver(name: "oncall", url: "http://127.0.0.1:1/hooks", secret: secret)
        #expect(!"\(receiver)".contains("MfKQ9r8") && !String(reflecting: receiver).contains("MfKQ9r8"))
    }
}
