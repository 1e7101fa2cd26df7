import ParleyTestSupport
import ParleyCore
import Synchronization
import Testing

/// Many publishing tasks on several topics, subscribers draining and acknowledging concurrently,
/// and subscribers joining and leaving all the time. Run it under ThreadSanitizer with
/// `Scripts/tsan.sh` (it must report nothing; see that script for why it sets `PARLEY_TSAN`).
@Suite struct HubStressTests {
    static let publishers = 8
    static let eventsPerPublisher = 1_500
    static let topics = (0..<6).map { Topic("conversation:stress-\($0)") }

    /// An event id: publisher, topic index and the publisher's counter.
    static func id(publisher: Int, topic: Int, counter: Int) -> UInt64 {
        UInt64(publisher) << 40 | UInt64(topic) << 32 | UInt64(counter)
    }
    static func publisher(_ id: UInt64) -> Int { Int(id >> 40) }
    static func topicIndex(_ id: UInt64) -> Int { Int(id >> 32 & 0xff) }
    static func counter(_ id: UInt64) -> Int { Int(id & 0xffff_ffff) }

    final class Done: Sendable {
        let flag = Atomic<Bool>(false)
        var isSet: Bool { flag.load(ordering: .acquiring) }
    }

    /// Drains and acknowledges `queue` until `done`, then once more; returns (seq, id) pairs.
    static func consume(_ queue: SubscriberQueue, until done: Done) async -> [(UInt64, UInt64)] {
        var received: [(UInt64, UInt64)] = []
        var batch: [Delivery<SharedPayload>] = []
        while true {
            let finished = done.isSet
            _ = queue.drain(into: &batch, limit: 64)
            for delivery in batch { received.append((delivery.seq, TestEvent.id(of: delivery.payload))) }
            if let last = batch.last { _ = queue.ack(upTo: last.seq) }
            let drainedNothing = batch.isEmpty
            batch.removeAll(keepingCapacity: true)
            if finished && drainedNothing { return received }
            if drainedNothing { await Task.yield() }
        }
    }

    /// HUB-1…HUB-4, HUB-15, HUB-16: no loss, no duplicate, one order per topic shared by every
    /// subscriber, per-publisher order across topics, consecutive session sequence numbers, and
    /// subscribers that come and go receive contiguous runs of the topic's order.
    @Test func hub2_hub4_hub16_manyPublishersManySubscribers() async {
        let limits = QueueLimits(
            highWater: QueueBound(events: 1 << 20, bytes: 1 << 30), disconnect: QueueBound(events: 1 << 20, bytes: 1 << 30),
            retention: QueueBound(events: 1 << 20, bytes: 1 << 30))
        let hub = Hub(configuration: HubConfiguration(shardCount: 4, queue: limits))
        var random = SeededRandom(seed: 42)
        // Steady subscribers: the first (the witness) on every topic, the others on random subsets.
        var steadyTopics: [[Int]] = [Array(0..<Self.topics.count)]
        for _ in 0..<5 { steadyTopics.append((0..<Self.topics.count).filter { _ in random.next() % 2 == 0 }) }
        let steady = steadyTopics.map { indices in
            let queue = hub.makeSubscriber(encoding: .binary)
            for index in indices { hub.subscribe(queue, to: Self.topics[index]) }
            return queue
        }
        let togglers = (0..<2).map { _ in hub.makeSubscriber(encoding: .binary) }
        let plans = (0..<Self.publishers).map { _ in
            (0..<Self.eventsPerPublisher).map { _ in Int(random.next() % UInt64(Self.topics.count)) }
        }
        let done = Done()

        let (steadyReceived, togglerResults) = await withTaskGroup(of: Void.self) { group in
            for (publisher, plan) in plans.enumerated() {
                group.addTask {
                    var wake: [SubscriberQueue] = []
                    for (counter, topic) in plan.enumerated() {
                        let id = Self.id(publisher: publisher, topic: topic, counter: counter)
                        hub.publish(on: Self.topics[topic], messageType: 34, kind: .durable, wake: &wake, encode: TestEvent.encode(id))
                        wake.removeAll(keepingCapacity: true)
                        if counter % 16 == 0 { await Task.yield() }
                    }
                }
            }
            async let steadyReceived = withTaskGroup(of: (Int, [(UInt64, UInt64)]).self) { consumers in
                for (index, queue) in steady.enumerated() {
                    consumers.addTask { (index, await Self.consume(queue, until: done)) }
                }
                var results = Array(repeating: [(UInt64, UInt64)](), count: steady.count)
                for await (index, received) in consumers { results[index] = received }
                return results
            }
            async let togglerResults = withTaskGroup(of: (Int, [(UInt64, UInt64)], [Int]).self) { tasks in
                for (index, queue) in togglers.enumerated() {
                    tasks.addTask {
                        var windows = Array(repeating: 0, count: Self.topics.count)
                        var received: [(UInt64, UInt64)] = []
                        var batch: [Delivery<SharedPayload>] = []
                        var round = 0
                        while !done.isSet {
                            for (topicIndex, topic) in Self.topics.enumerated() where (round + topicIndex + index) % 3 != 0 {
                                if hub.subscribe(queue, to: topic) { windows[topicIndex] += 1 }
                            }
                            await Task.yield()
                            _ = queue.drain(into: &batch)
                            for topic in Self.topics { hub.unsubscribe(queue, from: topic) }
                            round += 1
                        }
                        _ = queue.drain(into: &batch)
                        received = batch.map { ($0.seq, TestEvent.id(of: $0.payload)) }
                        return (index, received, windows)
                    }
                }
                var results: [([(UInt64, UInt64)], [Int])] = Array(repeating: ([], []), count: togglers.count)
                for await (index, received, windows) in tasks { results[index] = (received, windows) }
                return results
            }
            await group.waitForAll()
            done.flag.store(true, ordering: .releasing)
            return (await steadyReceived, await togglerResults)
        }

        // Every steady subscriber: consecutive seqs, exactly the events of its topics, publisher order.
        var orderOfTopic: [Int: [UInt64]] = [:]
        for (index, received) in steadyReceived.enumerated() {
            #expect(received.map(\.0) == (0..<received.count).map { UInt64($0 + 1) })
            let expected = Set(plans.enumerated().flatMap { publisher, plan in
                plan.enumerated().filter { steadyTopics[index].contains($0.element) }
                    .map { Self.id(publisher: publisher, topic: $0.element, counter: $0.offset) }
            })
            #expect(received.count == expected.count, "no loss, no duplicate")
            #expect(Set(received.map(\.1)) == expected)
            var lastCounter = Array(repeating: -1, count: Self.publishers)
            for (_, id) in received {
                #expect(Self.counter(id) > lastCounter[Self.publisher(id)], "per-publisher order across topics")
                lastCounter[Self.publisher(id)] = Self.counter(id)
            }
            for topic in steadyTopics[index] {
                let order = received.map(\.1).filter { Self.topicIndex($0) == topic }
                if let witness = orderOfTopic[topic] {
                    #expect(order == witness, "one order per topic for every subscriber")
                } else {
                    orderOfTopic[topic] = order
                }
            }
        }
        // Togglers: within each topic, a subsequence of the topic's order made of at most one
        // contiguous run per subscription window; seqs consecutive; no duplicates.
        for (received, windows) in togglerResults {
            #expect(received.map(\.0) == (0..<received.count).map { UInt64($0 + 1) })
            #expect(Set(received.map(\.1)).count == received.count)
            for topic in 0..<Self.topics.count {
                let witness = orderOfTopic[topic]!
                let position = Dictionary(uniqueKeysWithValues: witness.enumerated().map { ($0.element, $0.offset) })
                let positions = received.map(\.1).filter { Self.topicIndex($0) == topic }.map { position[$0]! }
                #expect(positions == positions.sorted())
                let runs = positions.indices.filter { $0 == 0 || positions[$0] != positions[$0 - 1] + 1 }.count
                #expect(runs <= windows[topic], "nothing lost inside a subscription window")
            }
        }
    }
}
