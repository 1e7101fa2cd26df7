import Synchronization

/// The fan-out hub: topics with subscriber sets, spread over shards; a publish encodes an event
/// once per encoding in use and puts the same shared bytes in every subscriber's bounded queue.
///
/// The hub does no I/O and starts no threads; it is called from the server's threads. After a
/// publish, the server drains each queue listed in the wake list from that queue's transport.
///
/// ```swift
/// let hub = Hub(configuration: HubConfiguration(shardCount: 8))
/// let queue = hub.makeSubscriber(encoding: .binary)
/// _ = hub.subscribe(queue, to: Topic("conversation:c1"))
/// var wake: [SubscriberQueue] = []
/// hub.publish(on: Topic("conversation:c1"), messageType: 34, kind: .durable, wake: &wake) { encoding, bytes in
///     bytes.append(contentsOf: [0x12, 0x00])  // the server's encoder for `encoding`
/// }
/// var batch: [Delivery<SharedPayload>] = []
/// _ = queue.drain(into: &batch)  // → one delivery, seq 1
/// ```
public final class Hub: Sendable {
    /// The configuration the hub was made with.
    public let configuration: HubConfiguration
    private let shards: [HubShard]

    /// A hub with `configuration.shardCount` empty shards.
    public init(configuration: HubConfiguration = HubConfiguration()) {
        self.configuration = configuration
        self.shards = (0..<configuration.shardCount).map { _ in HubShard() }
    }

    private func shard(_ topic: Topic) -> HubShard {
        shards[Int(topic.stableHash % UInt64(shards.count))]
    }

    /// A new, empty subscriber queue for a session receiving `encoding`.
    public func makeSubscriber(encoding: PayloadEncoding) -> SubscriberQueue {
        SubscriberQueue(encoding: encoding, limits: configuration.queue)
    }

    /// Subscribes `queue` to `topic`; it receives every event published on the topic after this
    /// returns (HUB-1). Safe at any time, also while the topic is being published on (HUB-3).
    ///
    /// - Returns: false if it was already subscribed, or was removed.
    @discardableResult
    public func subscribe(_ queue: SubscriberQueue, to topic: Topic) -> Bool {
        shard(topic).topics.withTSanVisibleLock { topics in
            let added = queue.membership.withTSanVisibleLock { membership in
                !membership.removed && membership.topics.insert(topic).inserted
            }
            if added { _ = topics[topic, default: TopicMembers()].insert(queue) }
            return added
        }
    }

    /// Unsubscribes `queue` from `topic`; no event published after this returns reaches it (HUB-3).
    ///
    /// - Returns: false if it was not subscribed.
    @discardableResult
    public func unsubscribe(_ queue: SubscriberQueue, from topic: Topic) -> Bool {
        shard(topic).topics.withTSanVisibleLock { topics in
            guard queue.membership.withTSanVisibleLock({ $0.topics.remove(topic) != nil }) else { return false }
            if topics[topic]?.remove(queue) == true, topics[topic]?.isEmpty == true {
                topics[topic] = nil
            }
            return true
        }
    }

    /// Unsubscribes `queue` from every topic and refuses later subscriptions: the session ended.
    /// Its log stays readable for whoever still holds it.
    public func remove(_ queue: SubscriberQueue) {
        let topics = queue.membership.withTSanVisibleLock { membership in
            membership.removed = true
            return membership.topics
        }
        for topic in topics { unsubscribe(queue, from: topic) }
    }

    /// Publishes one event on `topic`: encodes it once per encoding its subscribers use, then
    /// enqueues the same payload into every subscriber queue, all under the topic's shard lock
    /// so every queue sees the topic's events in one order (HUB-1…HUB-6).
    ///
    /// `encode` runs outside any lock; a subscriber that joins with a new encoding meanwhile is
    /// served by encoding again, under the lock (HUB-5). It is called once per encoding in use
    /// (again only in that race), whatever the number of subscribers.
    ///
    /// - Parameters:
    ///   - topic: where to publish.
    ///   - messageType: the wire message type, kept in the payload for the transport's envelope.
    ///   - kind: durable (sequenced, retained) or ephemeral (coalesced by key).
    ///   - sizeHint: the expected total size of the encodings, to reserve once.
    ///   - wake: the queues the server must now drain or close (newly non-empty, or newly
    ///     marked SLOW_CONSUMER) are appended (HUB-17); reuse the array to publish without allocating.
    ///   - encode: appends the event's body in the given encoding.
    /// - Returns: counts of what the queues did with the event.
    /// - Complexity: O(subscribers of `topic`), with no allocation per subscriber (HUB-6).
    @discardableResult
    public func publish(
        on topic: Topic, messageType: UInt32, kind: PublishKind, sizeHint: Int = 0,
        wake: inout [SubscriberQueue], encode: (PayloadEncoding, inout [UInt8]) -> Void
    ) -> PublishReport {
        let shard = shard(topic)
        let inUse = shard.topics.withTSanVisibleLock { $0[topic]?.encodings ?? [] }
        if inUse.isEmpty { return PublishReport() }
        let encoded = SharedPayload(messageType: messageType, encodings: inUse, sizeHint: sizeHint, encode: encode)
        return shard.topics.withTSanVisibleLock { topics in
            guard let members = topics[topic] else { return PublishReport() }
            if encoded.encodings.isSuperset(of: members.encodings) {
                return Self.deliver(encoded, kind: kind, to: members, wake: &wake)
            }
            let reencoded = SharedPayload(
                messageType: messageType, encodings: members.encodings.union(encoded.encodings),
                sizeHint: sizeHint, encode: encode)
            return Self.deliver(reencoded, kind: kind, to: members, wake: &wake)
        }
    }

    /// Enqueues `payload` into every queue of `members`, under their topic's shard lock.
    private static func deliver(
        _ payload: SharedPayload, kind: PublishKind, to members: TopicMembers, wake: inout [SubscriberQueue]
    ) -> PublishReport {
        var report = PublishReport()
        // `members` keeps every queue alive: visit them unretained, saving two atomic
        // reference-count operations per delivery.
        members.subscribers.withUnsafeBufferPointer { queues in
            switch kind {
            case .durable:
                for index in queues.indices {
                    Unmanaged.passUnretained(queues[index])._withUnsafeGuaranteedRef { queue in
                        record(queue.enqueueDurable(payload), of: queue, in: &report, wake: &wake)
                    }
                }
            case .ephemeral(let key):
                for index in queues.indices {
                    Unmanaged.passUnretained(queues[index])._withUnsafeGuaranteedRef { queue in
                        record(queue.enqueueEphemeral(payload, key: key), of: queue, in: &report, wake: &wake)
                    }
                }
            }
        }
        return report
    }

    private static func record(
        _ outcome: EnqueueOutcome, of queue: SubscriberQueue, in report: inout PublishReport,
        wake: inout [SubscriberQueue]
    ) {
        switch outcome {
        case .enqueued(let needsWake):
            report.delivered += 1
            if needsWake { wake.append(queue) }
        case .coalesced:
            report.delivered += 1
        case .shed:
            report.shed += 1
        case .markedSlowConsumer:
            report.delivered += 1
            report.markedSlowConsumer += 1
            wake.append(queue)
        case .dropped:
            report.dropped += 1
        }
    }
}
