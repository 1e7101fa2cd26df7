import ParleyCore
import ParleyWire
import Testing

@Suite struct HubTests {
    let topic = Topic("conversation:c1")

    /// HUB-1, HUB-2, HUB-17: every subscriber receives every event of the topic once, in publish
    /// order, and is listed for a drain once until drained.
    @Test func hub1_hub2_hub17_everySubscriberGetsEveryEventInOrder() {
        let hub = Hub()
        let queues = (0..<5).map { _ in hub.makeSubscriber(encoding: .binary) }
        for queue in queues { #expect(hub.subscribe(queue, to: topic)) }
        #expect(!hub.subscribe(queues[0], to: topic), "subscribing twice delivers once")
        var wake: [SubscriberQueue] = []
        for id in 1...50 as ClosedRange<UInt64> {
            let report = hub.publish(on: topic, messageType: 34, kind: .durable, wake: &wake, encode: TestEvent.encode(id))
            #expect(report.delivered == 5)
        }
        #expect(wake.count == 5, "each queue is woken once until drained")
        for queue in queues {
            let drained = queue.drainAll()
            #expect(drained.map(\.id) == Array(1...50))
            #expect(drained.map(\.seq) == Array(1...50))
        }
    }

    /// HUB-5, HUB-6: one encoding per encoding in use, and the very same payload object in every queue.
    @Test func hub5_hub6_encodesOncePerEncodingAndSharesTheBytes() {
        let hub = Hub()
        let queues = [PayloadEncoding.binary, .json, .binary, .json, .binary].map { hub.makeSubscriber(encoding: $0) }
        for queue in queues { hub.subscribe(queue, to: topic) }
        var calls: [PayloadEncoding] = []
        var wake: [SubscriberQueue] = []
        hub.publish(on: topic, messageType: 34, kind: .durable, wake: &wake) { encoding, bytes in
            calls.append(encoding)
            TestEvent.encode(7)(encoding, &bytes)
        }
        #expect(calls == [.binary, .json])
        var payloads: [SharedPayload] = []
        for queue in queues {
            var batch: [Delivery<SharedPayload>] = []
            _ = queue.drain(into: &batch)
            payloads.append(batch[0].payload)
            #expect(batch[0].payload.bytes(queue.encoding).dropFirst(8).first == queue.encoding.rawValue)
        }
        #expect(payloads.allSatisfy { $0 === payloads[0] })
        #expect(payloads[0].messageType == 34)
    }

    /// No subscriber, no encoding.
    @Test func hub5_publishingToAnEmptyTopicEncodesNothing() {
        let hub = Hub()
        var wake: [SubscriberQueue] = []
        var calls = 0
        let report = hub.publish(on: topic, messageType: 34, kind: .durable, wake: &wake) { _, _ in calls += 1 }
        #expect(report == PublishReport() && calls == 0)
    }

    /// HUB-3: unsubscribing while a publish is under way (here, from inside its encoder) keeps the
    /// event out of that queue; the others still get it.
    @Test func hub3_unsubscribeDuringPublish() {
        let hub = Hub()
        let leaving = hub.makeSubscriber(encoding: .binary)
        let staying = hub.makeSubscriber(encoding: .binary)
        hub.subscribe(leaving, to: topic)
        hub.subscribe(staying, to: topic)
        var wake: [SubscriberQueue] = []
        let report = hub.publish(on: topic, messageType: 34, kind: .durable, wake: &wake) { encoding, bytes in
            hub.unsubscribe(leaving, from: topic)
            TestEvent.encode(1)(encoding, &bytes)
        }
        #expect(report.delivered == 1)
        #expect(leaving.drainAll().isEmpty)
        #expect(staying.drainAll().map(\.id) == [1])
        #expect(leaving.topics.isEmpty && staying.topics == [topic])
    }

    /// HUB-3, HUB-5: a subscriber joining during a publish with an encoding nobody used gets the
    /// event too, encoded for it.
    @Test func hub3_hub5_subscribeDuringPublishWithANewEncoding() {
        let hub = Hub()
        let early = hub.makeSubscriber(encoding: .binary)
        let late = hub.makeSubscriber(encoding: .jsonDeflate)
        hub.subscribe(early, to: topic)
        var wake: [SubscriberQueue] = []
        var calls: [PayloadEncoding] = []
        hub.publish(on: topic, messageType: 34, kind: .durable, wake: &wake) { encoding, bytes in
            if calls.isEmpty { hub.subscribe(late, to: topic) }
            calls.append(encoding)
            TestEvent.encode(9)(encoding, &bytes)
        }
        #expect(calls == [.binary, .binary, .jsonDeflate])
        #expect(early.drainAll().map(\.id) == [9])
        var batch: [Delivery<SharedPayload>] = []
        _ = late.drain(into: &batch)
        #expect(TestEvent.id(of: batch[0].payload, .jsonDeflate) == 9)
    }

    /// HUB-8: ephemeral publishes coalesce per key in each queue and carry no sequence number.
    @Test func hub8_ephemeralPublishCoalesces() {
        let hub = Hub()
        let queue = hub.makeSubscriber(encoding: .binary)
        hub.subscribe(queue, to: topic)
        let key = CoalescingKey(topic: topic, subject: "typers")
        var wake: [SubscriberQueue] = []
        for id in 1...3 as ClosedRange<UInt64> {
            hub.publish(on: topic, messageType: 36, kind: .ephemeral(key), wake: &wake, encode: TestEvent.encode(id))
        }
        let drained = queue.drainAll()
        #expect(drained.map(\.id) == [3] && drained[0].seq == 0 && drained[0].kind == .ephemeral)
    }

    /// HUB-11, HUB-12: a stalled subscriber is marked SLOW_CONSUMER and listed for the server to
    /// close; the other subscribers receive everything.
    @Test func hub11_hub12_slowConsumerIsMarkedAndOthersUnaffected() {
        let limits = QueueLimits(
            highWater: QueueBound(events: 2, bytes: 1 << 20), disconnect: QueueBound(events: 4, bytes: 1 << 20),
            retention: QueueBound(events: 6, bytes: 1 << 20))
        let hub = Hub(configuration: HubConfiguration(shardCount: 2, queue: limits))
        let stalled = hub.makeSubscriber(encoding: .binary)
        let healthy = hub.makeSubscriber(encoding: .binary)
        hub.subscribe(stalled, to: topic)
        hub.subscribe(healthy, to: topic)
        var reports: [PublishReport] = []
        var received: [UInt64] = []
        for id in 1...10 as ClosedRange<UInt64> {
            var wake: [SubscriberQueue] = []
            reports.append(hub.publish(on: topic, messageType: 34, kind: .durable, wake: &wake, encode: TestEvent.encode(id)))
            if id == 5 { #expect(wake.contains { $0 === stalled }) }
            received += healthy.drainAll().map(\.id)
            _ = healthy.ack(upTo: UInt64(received.count))
        }
        #expect(received == Array(1...10))
        #expect(reports[4].markedSlowConsumer == 1)
        #expect(reports[6...].allSatisfy { $0.dropped == 1 && $0.delivered == 1 })
        var batch: [Delivery<SharedPayload>] = []
        #expect(stalled.drain(into: &batch).disconnect == .slowConsumer)
        #expect(stalled.statistics.retainedEvents == 6)
    }

    /// HUB-14: topics spread over shards; each still delivers in order, and removing a subscriber
    /// unsubscribes it everywhere and refuses new subscriptions.
    @Test func hub14_manyTopicsAcrossShardsAndRemoval() {
        let hub = Hub(configuration: HubConfiguration(shardCount: 4))
        let queue = hub.makeSubscriber(encoding: .binary)
        let topics = (0..<32).map { Topic("team:\($0)") }
        for topic in topics { hub.subscribe(queue, to: topic) }
        var wake: [SubscriberQueue] = []
        for round in 0..<3 as Range<UInt64> {
            for (index, topic) in topics.enumerated() {
                hub.publish(on: topic, messageType: 34, kind: .durable, wake: &wake, encode: TestEvent.encode(round * 100 + UInt64(index)))
            }
        }
        let ids = queue.drainAll().map(\.id)
        #expect(ids == (0..<3).flatMap { round in (0..<32).map { UInt64(round * 100 + $0) } })
        hub.remove(queue)
        #expect(queue.topics.isEmpty && !hub.subscribe(queue, to: topics[0]))
        hub.publish(on: topics[0], messageType: 34, kind: .durable, wake: &wake, encode: TestEvent.encode(1))
        #expect(queue.drainAll().isEmpty)
    }
}
