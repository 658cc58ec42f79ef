import ConfigFile
import Foundation
import TestSupport
import Testing
@testable import Webhooks

/// Webhooks to an `https://` receiver whose certificate a private CA signed (`tls.ca_file`).
@Suite("Webhooks over HTTPS with a private CA", .serialized, .timeLimit(.minutes(1)))
struct WebhookTLSTests {
    @Test("a receiver behind the CA the edge trusts gets the signed webhook over HTTPS")
    func deliversToATrustedReceiver() async throws {
        let authority = try await TestCertificateAuthority()
        let receiver = try await WebhookReceiverProcess(
            secret: DispatcherHarness.secret, tls: (authority.serverCertificate, authority.serverKey))
        defer { Task { await receiver.stop() } }
        #expect(receiver.url.hasPrefix("https://"))
        let tls = try HTTPClientTLS.configuration(ClientTLSFiles(caFile: authority.caCertificate))
        let harness = try DispatcherHarness(receivers: [try DispatcherHarness.receiver("oncall", url: receiver.url, tls: tls)])
        try await harness.running {
            try await harness.dispatcher.enqueue(receiver: "oncall", id: "msg_tls", body: DispatcherHarness.body())
            #expect(await harness.waitFor(.delivered, "oncall", "msg_tls"), "\(receiver.output())")
        }
        #expect(receiver.requests().map(\.id) == ["msg_tls"])
        #expect(receiver.requests().allSatisfy { $0.verified })
    }

    @Test("a receiver whose certificate another CA signed gets nothing: the attempt fails and the message waits to be retried")
    func refusesAnUntrustedReceiver() async throws {
        let authority = try await TestCertificateAuthority()
        let stranger = try await TestCertificateAuthority(commonName: "Another CA")
        let receiver = try await WebhookReceiverProcess(
            secret: DispatcherHarness.secret, tls: (stranger.serverCertificate, stranger.serverKey))
        defer { Task { await receiver.stop() } }
        let tls = try HTTPClientTLS.configuration(ClientTLSFiles(caFile: authority.caCertificate))
        let harness = try DispatcherHarness(receivers: [try DispatcherHarness.receiver("oncall", url: receiver.url, tls: tls)])
        try await harness.running {
            try await harness.dispatcher.enqueue(receiver: "oncall", id: "msg_untrusted", body: DispatcherHarness.body())
            #expect(await eventually { ((try? harness.stored("oncall", "msg_untrusted"))??.attempts ?? 0) >= 1 })
        }
        #expect(receiver.requests().isEmpty)
        #expect(try harness.stored("oncall", "msg_untrusted")?.state == .pending)
    }
}
