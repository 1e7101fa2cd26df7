import ParleyCore
import ParleyWire
import Testing

/// The team queue feed (ROUTE-15), the queue-position estimate (ROUTE-8) and service times
/// reported as they happen (CONV-26, METRICS-2).
@Suite struct TeamQueueTests {
    static func harness(feedMax: Int = 50, previewBytes: Int = 200) -> CoreHarness {
        var configuration = LiveChatConfiguration()
        configuration.queuePositionIntervalMs = 0
        configuration.answerTimeoutMs = 0
        configuration.queueFeedMax = feedMax
        configuration.queuePreviewBytes = previewBytes
        var harness = CoreHarness(configuration: configuration)
        harness.team("sales", limit: 1)
        harness.agent("a1", teams: ["sales"], skills: ["en"], accepting: true)
        return harness
    }

    @Test("queue order, capped list with the full total, previews cut at a character boundary, state and tags")
    func queueView() {
        var h = Self.harness(feedMax: 2, previewBytes: 5)
        let busy = h.create("v0", text: "first")  // a1 takes it and is then full
        let c1 = h.create("v1", tags: ["en"], text: "héllo there")
        h.advance(to: h.now.adding(milliseconds: 1_000))
        let c2 = h.create("v2", priority: 5, text: "urgent!")
        let c3 = h.create("v3")
        let queue = h.core.queue(of: "sales")!
        #expect(h.core.conversation(busy)?.agent == "a1")
        #expect(queue.total == 3)
        #expect(queue.entries.map(\.conversation) == [c2, c1], "priority first, then arrival; capped at queueFeedMax")
        #expect(queue.entries[0].priority == 5)
        #expect(queue.entries[0].preview == "urgen")
        #expect(queue.entries[1].preview == "héll", "5 bytes: h, é (2 bytes), l, l")
        #expect(queue.entries[1].tags == ["en"])
        #expect(queue.entries[1].state == .queued)
        #expect(queue.entries[1].waitingSince + 1_000 == queue.entries[0].waitingSince)
        #expect(h.core.conversation(c3)?.waitingSince != nil)
        #expect(h.core.queue(of: "nowhere") == nil)
    }

    @Test("a conversation entering or leaving the queue reports the team's queue as changed")
    func queueChangedActions() {
        var h = Self.harness()
        _ = h.create("v0")
        let before = h.log.count
        let waiting = h.create("v1")
        #expect(h.log[before...].contains(.queueChanged(team: "sales")))
        let closing = h.log.count
        h.run("v1") { $0.close(waiting, from: $1, now: $2) }
        #expect(h.log[closing...].contains(.queueChanged(team: "sales")))
        #expect(h.core.queue(of: "sales")?.total == 0)
    }

    @Test("the estimate is absent before three departures, then position × time per recent departure")
    func estimatedWait() {
        var h = Self.harness()
        var ids: [String] = []
        for i in 0..<4 { ids.append(h.create("v\(i)")) }  // one assigned, three waiting
        func lastEstimate(_ id: String) -> UInt64?? {
            for action in h.log.reversed() {
                if case .queuePosition(id, _, _, let estimate) = action { return estimate }
            }
            return nil
        }
        #expect(lastEstimate(ids[3]) == .some(nil), "no departures yet: no estimate")
        // Departures at +10 s, +20 s, +30 s (each close frees a1, who takes the next).
        for step in 0..<3 {
            h.advance(to: h.now.adding(milliseconds: 10_000))
            h.run("a1") { $0.close(ids[step], from: $1, now: $2) }
        }
        let v4 = h.create("v4")  // position 1 behind nobody? ids[3] is assigned now, v4 waits alone
        #expect(h.core.conversation(ids[3])?.agent == "a1")
        // Departures: the first assignment at +0 and those at +10, +20, +30 s: the last hour's
        // oldest is at +0; 4 departures over 30 s: 7.5 s each; position 1.
        #expect(lastEstimate(v4) == .some(7_500))
    }

    @Test("queue wait, first response and duration are reported the moment they are known")
    func measuredAsTheyHappen() {
        var h = Self.harness()
        h.advance(to: h.now.adding(milliseconds: 500))
        let id = h.create("v1")
        #expect(h.log.contains(.measured(.queueWait(ms: 0, team: "sales"))))
        h.advance(to: h.now.adding(milliseconds: 4_000))
        h.run("a1") { $0.send(id, text: "hi", from: $1, now: $2) }
        #expect(h.log.contains(.measured(.firstResponse(ms: 4_000, team: "sales"))))
        h.run("a1") { $0.send(id, text: "again", from: $1, now: $2) }
        #expect(h.log.filter { if case .measured(.firstResponse) = $0 { true } else { false } }.count == 1)
        h.run("a1") { $0.close(id, from: $1, now: $2) }
        #expect(h.log.contains(.measured(.duration(ms: 4_000, team: "sales"))))
    }
}
