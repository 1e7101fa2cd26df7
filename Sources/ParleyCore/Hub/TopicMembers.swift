/// The subscriber queues of one topic, and how many of them use each encoding, so a publish
/// encodes exactly the encodings in use (HUB-5).
struct TopicMembers {
    /// The queues, in no particular order.
    private(set) var subscribers: [SubscriberQueue] = []
    private var positions: [ObjectIdentifier: Int] = [:]
    private var encodingCounts = SIMD4<UInt32>()
    /// The encodings at least one subscriber uses.
    private(set) var encodings: EncodingSet = []

    var isEmpty: Bool { subscribers.isEmpty }

    /// Adds `queue`; false if it was already a member.
    mutating func insert(_ queue: SubscriberQueue) -> Bool {
        let id = ObjectIdentifier(queue)
        guard positions[id] == nil else { return false }
        positions[id] = subscribers.count
        subscribers.append(queue)
        encodingCounts[Int(queue.encoding.rawValue)] += 1
        encodings.insert(EncodingSet(queue.encoding))
        return true
    }

    /// Removes `queue` (moving the last member into its place); false if it was not a member.
    mutating func remove(_ queue: SubscriberQueue) -> Bool {
        guard let position = positions.removeValue(forKey: ObjectIdentifier(queue)) else { return false }
        let last = subscribers.removeLast()
        if position < subscribers.count {
            subscribers[position] = last
            positions[ObjectIdentifier(last)] = position
        }
        let raw = Int(queue.encoding.rawValue)
        encodingCounts[raw] -= 1
        if encodingCounts[raw] == 0 { encodings.remove(EncodingSet(queue.encoding)) }
        return true
    }
}
