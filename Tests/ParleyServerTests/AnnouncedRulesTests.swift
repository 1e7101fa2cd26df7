import ParleyCore
import ParleyServer
import ParleyWire
import Testing

/// SESSION-37: the welcome announces the live-chat timers and caps the server enforces, from
/// the configurations that own them; `draftPreviews` turns TYPE-11 previews on and says so.
@Suite struct AnnouncedRulesTests {
    static func configuration(draftPreviews: Bool) -> ServerConfiguration {
        var chat = LiveChatConfiguration()
        chat.answerTimeoutMs = 40_000
        chat.reopenWindowMs = 123_000
        chat.maxOpenPerVisitor = 2
        var configuration = ServerConfiguration(
            key: CoreDriver.key, teams: ["support"], chat: chat,
            presence: PresenceConfiguration(gracePeriodMilliseconds: 7_000), typing: TypingConfiguration(expiryMilliseconds: 4_000))
        configuration.draftPreviews = draftPreviews
        return configuration
    }

    @Test("the welcome carries the configured values, to visitors and staff")
    func welcomeAnnouncesConfiguredValues() throws {
        var d = CoreDriver(configuration: Self.configuration(draftPreviews: false))
        let welcome = try #require(d.connect(Wire.Auth(scheme: "anonymous")).1)
        #expect(welcome.limits.answerTimeoutMs == 40_000)
        #expect(welcome.limits.reopenWindowMs == 123_000)
        #expect(welcome.limits.maxOpenConversations == 2)
        #expect(welcome.limits.presenceGraceMs == 7_000)
        #expect(welcome.limits.typingExpiryMs == 4_000)
        #expect(welcome.limits.rateAbuseThreshold == UInt64(SessionConfiguration().rateAbuseThreshold))
        #expect(welcome.limits.draftPreviews == false)
    }

    @Test("draftPreviews on: announced, and a visitor's draft reaches the assigned agent")
    func draftPreviewsReachStaff() throws {
        var d = CoreDriver(configuration: Self.configuration(draftPreviews: true))
        let agent = d.connectAgent("ana")
        #expect(d.command({ .agentStatus(.init(rid: $0, routing: .accepting)) }, on: agent)?.name == "ok")
        let (visitor, welcome) = d.connect(Wire.Auth(scheme: "anonymous"))
        #expect(welcome?.limits.draftPreviews == true)
        guard case .ok(let ok)? = d.command({ .create(.init(rid: $0, text: "hi")) }, on: visitor), let conversation = ok.conversation else {
            Issue.record("no conversation")
            return
        }
        _ = d.take(agent)
        d.send(.typing(.init(conversation: conversation, typing: true, preview: "my order num")), on: visitor)
        let errors = d.take(visitor).filter { $0.name == "error" }
        #expect(errors.isEmpty, "no PREVIEW_NOT_ENABLED: \(errors)")
        let previews = d.take(agent).compactMap { message -> String? in
            if case .typers(let t) = message { t.typers.first?.preview } else { nil }
        }
        #expect(previews == ["my order num"])
    }
}
