import ParleyTestSupport
import ParleyCore
import ParleyWire
import Testing

@Suite struct OutboundLogTests {
    static let small = QueueLimits(
        highWater: QueueBound(events: 4, bytes: 1_000), disconnect: QueueBound(events: 6, bytes: 1_000),
        retention: QueueBound(events: 8, bytes: 1_000), maxPendingEphemeral: 2)
    let key = CoalescingKey(topic: Topic("conversation:a"), subject: "typers")
    let otherKey = CoalescingKey(topic: Topic("presence:team"), subject: "u1")

    /// HUB-7: durable events get consecutive session sequence numbers; drain hands out what is
    /// after the cursor; ack trims; a repeated drain hands out nothing twice; the wake signal
    /// fires again only after a drain emptied the log (HUB-17).
    @Test func hub7_durableEventsAreNumberedDrainedOnceAndTrimmedByAck() {
        var log = OutboundLog<TestPayload>(encoding: .binary, limits: QueueLimits())
        #expect(log.enqueueDurable(TestPayload(10)) == .enqueued(wake: true))
        #expect(log.enqueueDurable(TestPayload(11)) == .enqueued(wake: false))
        let (first, result) = log.drainAll()
        #expect(first.map(\.seq) == [1, 2] && first.map(\.id) == [10, 11])
        #expect(result == DrainResult(count: 2, hasMore: false, disconnect: nil, resyncEphemeral: false))
        #expect(log.drainAll().0.isEmpty)
        #expect(log.enqueueDurable(TestPayload(12)) == .enqueued(wake: true))
        #expect(log.ack(upTo: 2) == .freed(2))
        #expect(log.ack(upTo: 2) == .freed(0))
        #expect(log.statistics.retainedEvents == 1 && log.statistics.unsentEvents == 1)
        #expect(log.drainAll().0.map(\.seq) == [3])
    }

    /// HUB-7: an ack before the previous one or beyond what was sent is ACK_OUT_OF_RANGE and changes nothing.
    @Test func hub7_ackOutOfRangeIsRejected() {
        var log = OutboundLog<TestPayload>(encoding: .binary, limits: QueueLimits())
        for id in 1...3 { _ = log.enqueueDurable(TestPayload(UInt64(id))) }
        _ = log.drainAll(limit: 2)
        #expect(log.ack(upTo: 3) == .rejected(.ackOutOfRange))
        #expect(log.ack(upTo: 2) == .freed(2))
        #expect(log.ack(upTo: 1) == .rejected(.ackOutOfRange))
        #expect(log.statistics.ackedSeq == 2)
    }

    /// HUB-13: a rewind replays every retained event after the client's last processed one.
    @Test func hub13_rewindReplaysFromTheLog() {
        var log = OutboundLog<TestPayload>(encoding: .binary, limits: QueueLimits())
        for id in 1...5 { _ = log.enqueueDurable(TestPayload(UInt64(100 + id))) }
        _ = log.drainAll()
        #expect(log.ack(upTo: 1) == .freed(1))
        #expect(log.rewind(to: 3) == .resumed(replayFrom: 4, lastSeq: 5))
        #expect(log.drainAll().0.map(\.id) == [104, 105])
        #expect(log.rewind(to: 5) == .resumed(replayFrom: nil, lastSeq: 5))
        #expect(log.rewind(to: 2) == .notRetained(oldestRetained: 6, lastSeq: 5, lost: 0))
        #expect(log.rewind(to: 9) == .notRetained(oldestRetained: 6, lastSeq: 5, lost: 0))
    }

    /// HUB-8: a newer ephemeral event with the same key replaces an undrained older one and takes
    /// its own place in publish order.
    @Test func hub8_ephemeralEventsCoalesceByKeyInPublishOrder() {
        var log = OutboundLog<TestPayload>(encoding: .binary, limits: QueueLimits())
        #expect(log.enqueueEphemeral(TestPayload(1), key: key) == .enqueued(wake: true))
        _ = log.enqueueDurable(TestPayload(2))
        #expect(log.enqueueEphemeral(TestPayload(3), key: otherKey) == .enqueued(wake: false))
        _ = log.enqueueDurable(TestPayload(4))
        #expect(log.enqueueEphemeral(TestPayload(5), key: key) == .coalesced)
        let (batch, _) = log.drainAll()
        #expect(batch.map(\.id) == [2, 3, 4, 5])
        #expect(batch.map(\.kind) == [.durable, .ephemeral, .durable, .ephemeral])
        #expect(batch.map(\.seq) == [1, 0, 2, 0])
        #expect(log.rewind(to: 0) == .resumed(replayFrom: 1, lastSeq: 2))
        #expect(log.drainAll().0.map(\.id) == [2, 4], "ephemeral events are not replayed")
    }

    /// HUB-8: a flood of replacements for one key keeps the log small (compaction).
    @Test func hub8_replacementFloodStaysBounded() {
        var log = OutboundLog<TestPayload>(encoding: .binary, limits: QueueLimits())
        for id in 0..<10_000 { _ = log.enqueueEphemeral(TestPayload(UInt64(id)), key: key) }
        #expect(log.statistics.pendingEphemeral == 1)
        #expect(log.drainAll().0.map(\.id) == [9_999])
    }

    /// HUB-10, HUB-11: at the high-water mark ephemerals are shed first (and the session is told
    /// to resync them once below it); beyond the disconnect bound the log is marked SLOW_CONSUMER.
    @Test func hub10_hub11_shedEphemeralsThenMarkSlowConsumer() {
        var log = OutboundLog<TestPayload>(encoding: .binary, limits: Self.small)
        #expect(log.enqueueEphemeral(TestPayload(100), key: key) == .enqueued(wake: true))
        #expect(log.enqueueEphemeral(TestPayload(101), key: otherKey) == .enqueued(wake: false))
        #expect(log.enqueueEphemeral(TestPayload(102), key: CoalescingKey(topic: Topic("x"), subject: "y")) == .shed)
        for id in 1...4 { #expect(log.enqueueDurable(TestPayload(UInt64(id))) == .enqueued(wake: false)) }
        #expect(log.enqueueEphemeral(TestPayload(103), key: key) == .shed)
        #expect(log.statistics.pendingEphemeral == 0, "pending ephemerals are shed at the high-water mark")
        #expect(log.enqueueDurable(TestPayload(5)) == .enqueued(wake: false))
        #expect(log.enqueueDurable(TestPayload(6)) == .enqueued(wake: false))
        #expect(log.enqueueDurable(TestPayload(7)) == .markedSlowConsumer)
        #expect(log.statistics.isMarkedSlowConsumer)
        let (batch, result) = log.drainAll()
        #expect(batch.map(\.id) == Array(1...7))
        #expect(result.disconnect == .slowConsumer)
        #expect(result.resyncEphemeral == false, "still above the high-water mark")
        #expect(log.rewind(to: 7) == .resumed(replayFrom: nil, lastSeq: 7))
        #expect(!log.statistics.isMarkedSlowConsumer)
        #expect(log.drainAll().1 == DrainResult(count: 0, hasMore: false, disconnect: nil, resyncEphemeral: true))
    }

    /// HUB-9, HUB-13: a marked log never retains beyond its retention bound; what it dropped makes a
    /// later rewind report the gap instead of replaying part of the stream.
    @Test func hub9_retentionBoundDropsAndRewindReportsTheGap() {
        var log = OutboundLog<TestPayload>(encoding: .binary, limits: Self.small)
        var outcomes: [EnqueueOutcome] = []
        for id in 1...10 { outcomes.append(log.enqueueDurable(TestPayload(UInt64(id)))) }
        #expect(outcomes[6] == .markedSlowConsumer)
        #expect(outcomes[7] == .enqueued(wake: false))
        #expect(outcomes[8] == .dropped && outcomes[9] == .dropped)
        let stats = log.statistics
        #expect(stats.retainedEvents == 8 && stats.lostEvents == 2 && stats.lastSeq == 8)
        #expect(log.rewind(to: 0) == .notRetained(oldestRetained: 1, lastSeq: 8, lost: 2))
    }

    /// HUB-9: byte bounds count the size of the session's own encoding.
    @Test func hub9_byteBoundsUseTheSessionsEncoding() {
        let limits = QueueLimits(
            highWater: QueueBound(events: 100, bytes: 100), disconnect: QueueBound(events: 100, bytes: 200),
            retention: QueueBound(events: 100, bytes: 300))
        var log = OutboundLog<TestPayload>(encoding: .json, limits: limits)
        for id in 1...2 { _ = log.enqueueDurable(TestPayload(UInt64(id), binarySize: 1, jsonSize: 100)) }
        #expect(log.statistics.retainedBytes == 200)
        #expect(log.enqueueDurable(TestPayload(3, binarySize: 1, jsonSize: 100)) == .markedSlowConsumer)
        #expect(log.enqueueDurable(TestPayload(4, binarySize: 1, jsonSize: 100)) == .dropped)
        #expect(log.statistics.retainedBytes == 300)
    }

    /// HUB-4, HUB-7, HUB-8, HUB-9: thousands of random steps (enqueue, drain with limits, acks,
    /// rewinds) keep the invariants: consecutive sequence numbers per connection, each durable
    /// event carried by the seq it was given, ephemerals never stale and never twice, bounds held.
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func randomizedStepsKeepTheLogInvariants(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let limits = QueueLimits(
            highWater: QueueBound(events: 12, bytes: 400), disconnect: QueueBound(events: 20, bytes: 700),
            retention: QueueBound(events: 24, bytes: 900), maxPendingEphemeral: 3)
        var log = OutboundLog<TestPayload>(encoding: .binary, limits: limits)
        let keys = (0..<4).map { CoalescingKey(topic: Topic("t"), subject: "k\($0)") }
        var idBySeq: [UInt64: UInt64] = [:]
        var latestEphemeral: [CoalescingKey: UInt64] = [:]
        var keyOfEphemeral: [UInt64: CoalescingKey] = [:]
        var afterSeqOfEphemeral: [UInt64: UInt64] = [:]
        var drainedEphemerals: Set<UInt64> = []
        var nextID: UInt64 = 1
        var lastDrainedSeq: UInt64 = 0
        var acked: UInt64 = 0
        for _ in 0..<4_000 {
            switch random.next() % 10 {
            case 0...3:
                let before = log.statistics
                let outcome = log.enqueueDurable(TestPayload(nextID, binarySize: 9 + Int(random.next() % 40)))
                let after = log.statistics
                if after.lastSeq == before.lastSeq + 1 { idBySeq[after.lastSeq] = nextID }
                #expect((outcome == .dropped) == (after.lastSeq == before.lastSeq && before.isMarkedSlowConsumer))
                nextID += 1
            case 4...5:
                let key = keys[Int(random.next() % 4)]
                let seqBefore = log.statistics.lastSeq
                switch log.enqueueEphemeral(TestPayload(nextID), key: key) {
                case .enqueued, .coalesced:
                    latestEphemeral[key] = nextID
                    keyOfEphemeral[nextID] = key
                    afterSeqOfEphemeral[nextID] = seqBefore
                case .shed, .markedSlowConsumer, .dropped:
                    latestEphemeral[key] = nil
                }
                nextID += 1
            case 6...7:
                let limit = random.next() % 3 == 0 ? Int.max : Int(random.next() % 5) + 1
                let (batch, result) = log.drainAll(limit: limit)
                #expect(result.count == batch.count && batch.count <= limit)
                for delivery in batch {
                    let id = delivery.id
                    switch delivery.kind {
                    case .durable:
                        #expect(delivery.seq == lastDrainedSeq + 1)
                        #expect(idBySeq[delivery.seq] == id)
                        lastDrainedSeq = delivery.seq
                    case .ephemeral:
                        let key = keyOfEphemeral[id]!
                        #expect(latestEphemeral[key] == id, "a replaced ephemeral is never delivered")
                        #expect(drainedEphemerals.insert(id).inserted)
                        #expect(afterSeqOfEphemeral[id]! <= lastDrainedSeq)
                        latestEphemeral[key] = nil
                    }
                }
            case 8:
                let seq = acked + random.next() % (lastDrainedSeq - acked + 2)
                let outcome = log.ack(upTo: seq)
                if seq <= lastDrainedSeq {
                    #expect(outcome == .freed(Int(seq - acked)))
                    acked = seq
                } else {
                    #expect(outcome == .rejected(.ackOutOfRange))
                }
            default:
                let stats = log.statistics
                let point = acked + random.next() % (stats.lastSeq - acked + 1)
                switch log.rewind(to: point) {
                case .resumed(let replayFrom, let lastSeq):
                    #expect(lastSeq == stats.lastSeq && replayFrom == (point < lastSeq ? point + 1 : nil))
                    acked = point
                    lastDrainedSeq = point
                case .notRetained(_, _, let lost):
                    #expect(lost > 0 && stats.lostEvents == lost)
                    // The session layer gives such a session up; start a fresh one.
                    log = OutboundLog<TestPayload>(encoding: .binary, limits: limits)
                    idBySeq = [:]
                    latestEphemeral = [:]
                    lastDrainedSeq = 0
                    acked = 0
                }
            }
            let stats = log.statistics
            #expect(stats.retainedEvents <= limits.retention.events && stats.retainedBytes <= limits.retention.bytes)
            #expect(stats.pendingEphemeral <= limits.maxPendingEphemeral)
        }
    }
}
