import MetricsTestKit
import ParleyClient
import ParleyCore
import ParleyServer
import ParleyWire
import Testing

/// The server reports connections, messages and per-conversation service times (issue 7).
@Suite(.serialized) struct MetricsTests {
    @Test("messages in and out, connections, disconnects by reason; queue wait, first response and duration per team as they happen (METRICS-1, METRICS-2)")
    func recorded() async throws {
        let metrics = TestMetrics()
        let live = try await LiveServer.start(metrics: metrics)
        defer { Task { try? await live.stop() } }
        let team: [(String, String)] = [("team", "support")]
        let (agent, visitor, conversation) = try await live.chatPair()
        // The queue wait is recorded at the assignment, not when the conversation closes.
        #expect(try metrics.expectTimer("parley_queue_wait_seconds", team).values.count == 1)
        #expect((try? metrics.expectTimer("parley_first_response_seconds", team)) == nil)
        #expect(try await agent.request(.send(.init(rid: 0, conversation: conversation, clientMessageId: "a", text: "hi"))).name == "ok")
        #expect(try metrics.expectTimer("parley_first_response_seconds", team).values.count == 1)
        #expect((try? metrics.expectTimer("parley_conversation_duration_seconds", team)) == nil)
        #expect(try await agent.request(.close(.init(rid: 0, conversation: conversation))).name == "ok")
        #expect(metrics.counterTotal(label: "parley_messages_in_total") >= 6, "two hellos and four commands at least")
        #expect(metrics.counterTotal(label: "parley_messages_out_total") >= 7)
        #expect(metrics.counterTotal(label: "parley_conversations_closed_total", dimensions: team) == 1)
        #expect(try metrics.expectTimer("parley_conversation_duration_seconds", team).values.count == 1)
        #expect(try metrics.expectTimer("parley_queue_wait_seconds", team).values.count == 1)
        #expect(try metrics.expectGauge("parley_connections").lastValue == 2)

        // A protocol violation is counted by its reason.
        let raw = try await ClientConnection.connect(to: live.tcp)
        raw.sendRaw([0x01, 0x02, 0x01, 0x00])
        for await event in raw.events { if case .closed = event { break } }
        #expect(metrics.counterTotal(label: "parley_disconnects_total", dimensions: [("reason", "BAD_FRAME_FLAGS")]) == 1)
        agent.close()
        visitor.close()
    }
}
