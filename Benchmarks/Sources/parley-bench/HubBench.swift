import BenchSupport
import ParleyCore
import ParleyWire
import Synchronization

/// `hub`: fan-out deliveries per second (publish into every subscriber queue, then each
/// transport drains and acks), for 1→10, 1→1,000 and 1→100,000 subscribers with ~100 B and
/// ~1 KB events, against two baselines measured in the same run:
/// - a naive hub: one lock, and an encode and a copy of the message per subscriber;
/// - a bare ring buffer per subscriber receiving a shared reference (the practical limit).
/// Then allocations per publish at each fan-out, and one stalled subscriber among 1,000.
struct HubBench: BenchSuite {
    let name = "hub"

    func run() {
        var report = Report("hub: fan-out deliveries (publish + drain + ack)")
        var allocationLines: [String] = []
        for textLength in [60, 960] {
            let event = BenchEvent(textLength: textLength)
            for subscribers in [10, 1_000, 100_000] {
                let plan = FanOutPlan(subscribers: subscribers)
                let label = "1→\(subscribers) \(event.bodySize) B"
                let naive = measureNaive(label, event, plan)
                let ring = measureRing(label, event, plan)
                let hub = measureHub(label, event, plan)
                report.add(naive)
                report.add(ring)
                report.add(hub, against: naive)
                report.add(hub, against: ring)
                let perPublish = Double(hub.allocations) / Double(plan.publishes)
                allocationLines.append("  \(label): \(fmt(perPublish, 2)) allocations per publish")
            }
        }
        report.print()
        print("\nhub allocations per publish (constant in the subscriber count, HUB-6):")
        for line in allocationLines { print(line) }
        runStalledSubscriber()
    }

    // MARK: The three contenders

    private func measureHub(_ label: String, _ event: BenchEvent, _ plan: FanOutPlan) -> Measurement {
        let hub = Hub(configuration: HubConfiguration(shardCount: 4))
        let topic = Topic("conversation:bench")
        let queues = (0..<plan.subscribers).map { _ in hub.makeSubscriber(encoding: .binary) }
        for queue in queues { hub.subscribe(queue, to: topic) }
        var wake: [SubscriberQueue] = []
        wake.reserveCapacity(plan.subscribers)
        var batch: [Delivery<SharedPayload>] = []
        batch.reserveCapacity(plan.perRound)
        return measure("hub " + label, operations: plan.deliveries, repetitions: 3) {
            for _ in 0..<plan.rounds {
                for _ in 0..<plan.perRound {
                    hub.publish(on: topic, messageType: 34, kind: .durable, sizeHint: event.bodySize, wake: &wake) {
                        _, bytes in event.encodeBody(into: &bytes)
                    }
                }
                wake.removeAll(keepingCapacity: true)
                for queue in queues {
                    _ = queue.drain(into: &batch)
                    _ = queue.ack(upTo: batch[batch.count - 1].seq)
                    batch.removeAll(keepingCapacity: true)
                }
            }
        }
    }

    private func measureNaive(_ label: String, _ event: BenchEvent, _ plan: FanOutPlan) -> Measurement {
        let hub = NaiveHub(subscribers: plan.subscribers)
        return measure("naive " + label, operations: plan.deliveries, repetitions: 3) {
            for _ in 0..<plan.rounds {
                for _ in 0..<plan.perRound { hub.publish(event) }
                for index in 0..<plan.subscribers { hub.drain(index) }
            }
        }
    }

    private func measureRing(_ label: String, _ event: BenchEvent, _ plan: FanOutPlan) -> Measurement {
        var rings = (0..<plan.subscribers).map { _ in BareRing() }
        return measure("ring " + label, operations: plan.deliveries, repetitions: 3) {
            for _ in 0..<plan.rounds {
                for _ in 0..<plan.perRound {
                    let payload = SharedPayload(messageType: 34, encodings: EncodingSet(.binary), sizeHint: event.bodySize) {
                        _, bytes in event.encodeBody(into: &bytes)
                    }
                    for index in rings.indices { rings[index].append(payload) }
                }
                for index in rings.indices { rings[index].drain() }
            }
        }
    }

    // MARK: One stalled subscriber among 1,000

    private func runStalledSubscriber() {
        let event = BenchEvent(textLength: 60)
        let plan = FanOutPlan(subscribers: 1_000, deliveries: 4_000_000)
        let limits = QueueLimits(
            highWater: QueueBound(events: 256, bytes: 64 << 10),
            disconnect: QueueBound(events: 1_024, bytes: 256 << 10),
            retention: QueueBound(events: 2_048, bytes: 512 << 10))
        var stalledStatistics: QueueStatistics?
        func run(stalled: Bool) -> Measurement {
            let hub = Hub(configuration: HubConfiguration(shardCount: 4, queue: limits))
            let topic = Topic("conversation:stall")
            let queues = (0..<plan.subscribers).map { _ in hub.makeSubscriber(encoding: .binary) }
            for queue in queues { hub.subscribe(queue, to: topic) }
            let drained = stalled ? queues.dropFirst() : queues[...]
            var wake: [SubscriberQueue] = []
            wake.reserveCapacity(plan.subscribers)
            var batch: [Delivery<SharedPayload>] = []
            batch.reserveCapacity(plan.perRound)
            let name = stalled ? "999 healthy + 1 stalled (1→1000 \(event.bodySize) B)" : "1000 healthy (1→1000 \(event.bodySize) B)"
            let result = measure(name, operations: plan.deliveries, repetitions: 3) {
                for _ in 0..<plan.rounds {
                    for _ in 0..<plan.perRound {
                        hub.publish(on: topic, messageType: 34, kind: .durable, sizeHint: event.bodySize, wake: &wake) {
                            _, bytes in event.encodeBody(into: &bytes)
                        }
                    }
                    wake.removeAll(keepingCapacity: true)
                    for queue in drained {
                        _ = queue.drain(into: &batch)
                        _ = queue.ack(upTo: batch[batch.count - 1].seq)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
            }
            if stalled { stalledStatistics = queues[0].statistics }
            return result
        }
        let healthy = run(stalled: false)
        let withStalled = run(stalled: true)
        var report = Report("hub: one stalled subscriber among 1,000")
        report.add(healthy)
        report.add(withStalled, against: healthy)
        report.print()
        if let s = stalledStatistics {
            print(
                "stalled queue: \(s.retainedEvents) events / \(s.retainedBytes) B retained "
                    + "(cap \(limits.retention.events) events / \(limits.retention.bytes) B), "
                    + "marked SLOW_CONSUMER: \(s.isMarkedSlowConsumer), not retained: \(s.lostEvents)")
        }
    }
}

/// How a fan-out run is cut: `perRound` publishes, then every subscriber drains, repeated.
/// Fewer publishes per round at large fan-outs keep the naive hub's per-subscriber copies small.
private struct FanOutPlan {
    let subscribers: Int
    let perRound: Int
    let rounds: Int

    init(subscribers: Int, deliveries: Int = 1_600_000) {
        self.subscribers = subscribers
        self.perRound = max(2, min(16, 32_000 / subscribers))
        self.rounds = max(1, deliveries / (subscribers * perRound))
    }

    var publishes: Int { perRound * rounds }
    var deliveries: Int { publishes * subscribers }
}

/// A conversation message event, encoded as the body of an `event` message (field 2).
private struct BenchEvent {
    let conversation = "c-0123456789"
    let author = "agent-42"
    let text: String
    let bodySize: Int

    init(textLength: Int) {
        text = String(repeating: "x", count: textLength)
        var bytes: [UInt8] = []
        bodySize = BenchEvent.encodeBody(conversation: conversation, author: author, text: text, into: &bytes)
    }

    func encodeBody(into bytes: inout [UInt8]) {
        _ = BenchEvent.encodeBody(conversation: conversation, author: author, text: text, into: &bytes)
    }

    private static func encodeBody(conversation: String, author: String, text: String, into bytes: inout [UInt8]) -> Int {
        var writer = BinaryWriter()
        swap(&writer.buffer, &bytes)
        writer.writeNested(2) { w in
            w.writeString(1, conversation)
            w.writeUInt(2, 1_234)
            w.writeUInt(3, 1)
            w.writeString(4, author)
            w.writeString(5, text)
            w.writeUInt(6, 1_763_800_000_000)
        }
        swap(&writer.buffer, &bytes)
        return bytes.count
    }
}

/// The naive hub: one lock around everything, and per subscriber a fresh encoding of the whole
/// message (envelope with that session's sequence number, then the body) copied into its queue.
private final class NaiveHub: Sendable {
    private struct State {
        var queues: [[[UInt8]]]
        var seqs: [UInt64]
    }
    private let state: Mutex<State>

    init(subscribers: Int) {
        state = Mutex(State(queues: Array(repeating: [], count: subscribers), seqs: Array(repeating: 0, count: subscribers)))
    }

    func publish(_ event: BenchEvent) {
        state.withLock { state in
            for index in state.queues.indices {
                state.seqs[index] += 1
                var writer = BinaryWriter()
                writer.writeRawVarint(34)
                writer.writeUInt(1, state.seqs[index])
                event.encodeBody(into: &writer.buffer)
                state.queues[index].append(writer.buffer)
            }
        }
    }

    func drain(_ index: Int) {
        state.withLock { $0.queues[index].removeAll(keepingCapacity: true) }
    }
}

/// The practical limit: a power-of-two ring of references per subscriber, no lock, no sequence
/// numbers, no bounds.
private struct BareRing {
    private var slots = ContiguousArray<SharedPayload?>(repeating: nil, count: 16)
    private var head = 0
    private var count = 0

    mutating func append(_ payload: SharedPayload) {
        if count == slots.count {
            var larger = ContiguousArray<SharedPayload?>(repeating: nil, count: slots.count * 2)
            for i in 0..<count { larger[i] = slots[(head + i) & (slots.count - 1)] }
            slots = larger
            head = 0
        }
        slots[(head + count) & (slots.count - 1)] = payload
        count += 1
    }

    mutating func drain() {
        for i in 0..<count { slots[(head + i) & (slots.count - 1)] = nil }
        head = (head + count) & (slots.count - 1)
        count = 0
    }
}
