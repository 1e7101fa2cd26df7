import Synchronization

/// One shard of the hub: the topics that hash to it, behind one mutex (HUB-14).
///
/// A publish holds its topic's shard lock while it enqueues into every member queue, which is
/// what orders a topic's events identically in every queue (HUB-2); topics of other shards
/// publish in parallel.
final class HubShard: Sendable {
    let topics = Mutex<[Topic: TopicMembers]>([:])
}
