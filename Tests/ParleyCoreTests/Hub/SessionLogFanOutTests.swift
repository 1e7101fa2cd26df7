import ParleyTestSupport
import ParleyCore
import ParleyWire
import Testing

/// The server's fan-out: each published ``SharedEvent`` is offered to the outbound log of every
/// recipient session (as `SessionRegistry.enqueue` does), and each session's transport drains
/// its own log. These tests check, across many logs, the ordering, sharing and isolation
/// guarantees of Spec/fanout.md.
@Suite struct SessionLogFanOutTests {
    /// A conversation message event; its `cseq` is `id`, so a test can tell events apart.
    static func event(_ id: UInt64) -> SharedEvent {
        SharedEvent(.event(Wire.Event(seq: 0, event: Wire.ConversationEvent(conversation: "c", cseq: id, kind: .message, time: 0))))
    }

    /// HUB-1, HUB-6, HUB-7, HUB-17: every recipient's log holds the very same event objects, in
    /// publish order, each stamped with that session's own sequence numbers; the transport writes
    /// its session's envelope before the shared body; each log asks for one wake until drained.
    @Test func hub1_hub6_hub7_hub17_everyRecipientHoldsTheSameEventsInOrder() {
        var logs = (0..<5).map { _ in OutboundLog<SharedEvent>(encoding: .binary, limits: QueueLimits()) }
        // Session i already has i events, so the sessions number the shared events differently.
        for index in logs.indices {
            for _ in 0..<index { _ = logs[index].enqueueDurable(Self.event(0)) }
            _ = logs[index].drain { _ in }
            #expect(logs[index].ack(upTo: UInt64(index)) == .freed(index))
        }
        let events = (1...50).map { Self.event($0) }
        var wakes = 0
        for event in events {
            for index in logs.indices {
                if logs[index].enqueueDurable(event) == .enqueued(wake: true) { wakes += 1 }
            }
        }
        #expect(wakes == logs.count, "each log asks for a drain once until drained")
        for index in logs.indices {
            var drained: [Delivery<SharedEvent>] = []
            let result = logs[index].drain { drained.append($0) }
            #expect(result == DrainResult(count: 50, hasMore: false, disconnect: nil, resyncEphemeral: false))
            #expect(drained.map(\.seq) == (1...50).map { UInt64(index + $0) })
            #expect(zip(drained, events).allSatisfy { $0.payload === $1 }, "the same object, no copy")
            for delivery in drained {
                var framed: [UInt8] = []
                delivery.payload.append(seq: delivery.seq, encoding: .binary, framed: false, to: &framed)
                var whole: [UInt8] = []
                delivery.payload.message(seq: delivery.seq).encodeBinary(into: &whole)
                #expect(framed == whole)
            }
        }
    }

    /// HUB-11, HUB-12: a session that stops reading is marked SLOW_CONSUMER and stops retaining at
    /// its bound; the other recipients of the same events receive every one of them.
    @Test func hub11_hub12_aStalledSessionIsMarkedAndOthersUnaffected() {
        let limits = QueueLimits(
            highWater: QueueBound(events: 2, bytes: 1 << 20), disconnect: QueueBound(events: 4, bytes: 1 << 20),
            retention: QueueBound(events: 6, bytes: 1 << 20))
        var stalled = OutboundLog<SharedEvent>(encoding: .binary, limits: limits)
        var healthy = OutboundLog<SharedEvent>(encoding: .binary, limits: limits)
        var stalledOutcomes: [EnqueueOutcome] = []
        var received: [UInt64] = []
        for id in 1...10 as ClosedRange<UInt64> {
            let event = Self.event(id)
            stalledOutcomes.append(stalled.enqueueDurable(event))
            #expect(healthy.enqueueDurable(event) == .enqueued(wake: true))
            var seqs: [UInt64] = []
            _ = healthy.drain { seqs.append($0.seq) }
            received += seqs
            #expect(healthy.ack(upTo: UInt64(received.count)) == .freed(seqs.count))
        }
        #expect(received == Array(1...10))
        #expect(stalledOutcomes[4] == .markedSlowConsumer)
        #expect(stalledOutcomes[6...].allSatisfy { $0 == .dropped })
        #expect(stalled.drain { _ in }.disconnect == .slowConsumer)
        #expect(stalled.statistics.retainedEvents == 6 && stalled.statistics.lostEvents == 4)
    }

    /// HUB-1, HUB-2, HUB-4, HUB-8, HUB-13, HUB-16: thousands of random steps over six sessions —
    /// durable events and ephemeral states offered to random recipient sets, drains with random
    /// limits, acks, resumptions. Every session receives exactly the durable events offered to it,
    /// in publish order, numbered consecutively; an ephemeral state arrives only if no newer one
    /// for its key was offered before the drain, right after the durable events offered before it.
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func hub2_hub4_hub8_hub16_randomFanOutKeepsEverySessionsStream(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let sessions = 6
        let ample = QueueBound(events: 1 << 20, bytes: 1 << 30)
        let limits = QueueLimits(highWater: ample, disconnect: ample, retention: ample, maxPendingEphemeral: 8)
        var logs = (0..<sessions).map { _ in OutboundLog<SharedEvent>(encoding: .binary, limits: limits) }
        var published: [SharedEvent] = []
        var position: [ObjectIdentifier: Int] = [:]
        /// Per session: the positions of the durable events offered to it, and of those drained (by seq − 1).
        var offered = Array(repeating: [Int](), count: sessions)
        var received = Array(repeating: [Int](), count: sessions)
        /// Per session and key: the undrained ephemeral state's position and how many durable events preceded it.
        var pendingState = Array(repeating: [CoalescingKey: (position: Int, after: Int)](), count: sessions)
        var acked = Array(repeating: 0, count: sessions)

        func publish(_ event: SharedEvent) -> Int {
            position[ObjectIdentifier(event)] = published.count
            published.append(event)
            return published.count - 1
        }
        func drain(_ session: Int, limit: Int) {
            var batch: [Delivery<SharedEvent>] = []
            let result = logs[session].drain(limit: limit) { batch.append($0) }
            #expect(result.count == batch.count && batch.count <= limit && result.disconnect == nil)
            for delivery in batch {
                let at = position[ObjectIdentifier(delivery.payload)]!
                switch delivery.kind {
                case .durable:
                    #expect(delivery.seq == UInt64(received[session].count + 1), "consecutive seqs")
                    #expect(offered[session][Int(delivery.seq) - 1] == at, "the event offered with that seq")
                    received[session].append(at)
                case .ephemeral:
                    let key = delivery.payload.coalescingKey!
                    #expect(delivery.seq == 0)
                    #expect(pendingState[session][key]?.position == at, "only the newest state, once")
                    #expect(pendingState[session][key]?.after == received[session].count, "in publish order")
                    pendingState[session][key] = nil
                }
            }
        }

        for _ in 0..<3_000 {
            let session = Int(random.next() % UInt64(sessions))
            switch random.next() % 10 {
            case 0...3:
                let at = publish(Self.event(UInt64(published.count)))
                for recipient in 0..<sessions where random.next() % 2 == 0 {
                    guard case .enqueued = logs[recipient].enqueueDurable(published[at]) else {
                        Issue.record("a durable event within the bounds is queued")
                        continue
                    }
                    offered[recipient].append(at)
                }
            case 4...5:
                let at = publish(SharedEvent(.typers(Wire.Typers(conversation: "c\(random.next() % 3)"))))
                let key = published[at].coalescingKey!
                for recipient in 0..<sessions where random.next() % 2 == 0 {
                    let outcome = logs[recipient].enqueueEphemeral(published[at], key: key)
                    if pendingState[recipient][key] == nil {
                        #expect(outcome == .enqueued(wake: true) || outcome == .enqueued(wake: false))
                    } else {
                        #expect(outcome == .coalesced, "a newer state replaces the undrained one")
                    }
                    pendingState[recipient][key] = (at, offered[recipient].count)
                }
            case 6...7:
                drain(session, limit: random.next() % 3 == 0 ? .max : Int(random.next() % 5) + 1)
            case 8:
                let seq = acked[session] + Int(random.next() % UInt64(received[session].count - acked[session] + 1))
                #expect(logs[session].ack(upTo: UInt64(seq)) == .freed(seq - acked[session]))
                acked[session] = seq
            default:
                // The client resumes having processed a prefix of what it was sent.
                let point = acked[session] + Int(random.next() % UInt64(received[session].count - acked[session] + 1))
                let lastSeq = UInt64(offered[session].count)
                #expect(logs[session].rewind(to: UInt64(point))
                    == .resumed(replayFrom: UInt64(point) < lastSeq ? UInt64(point) + 1 : nil, lastSeq: lastSeq))
                received[session].removeLast(received[session].count - point)
                acked[session] = point
            }
        }
        for session in 0..<sessions {
            drain(session, limit: .max)
            #expect(received[session] == offered[session], "no loss, no duplicate")
            #expect(received[session] == received[session].sorted(), "publish order in every session")
            #expect(pendingState[session].isEmpty)
        }
    }
}
