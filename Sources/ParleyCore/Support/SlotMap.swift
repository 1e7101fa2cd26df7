/// A dictionary whose values live in the slots of an array, found by key through an index of
/// slot numbers, or by ``SlotHandle`` without hashing the key.
///
/// For the records the server keeps per connection and per session: a `Dictionary` reserves
/// room for a whole value in every slot of its table, up to twice as many slots as entries,
/// while here the table holds slot numbers and the array each value once (memory per idle
/// visitor). A slot freed by a removal is reused, with its generation moved on, so a handle to
/// a removed value never reaches the value that took its slot.
public struct SlotMap<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Slot: Sendable {
        var generation: UInt32 = 0
        var value: Value?
    }

    private var slots: [Slot] = []
    private var free: [Int] = []
    private var slotOf: [Key: Int] = [:]

    /// An empty map.
    public init() {}

    /// The number of values.
    public var count: Int { slotOf.count }

    /// The keys, in no particular order.
    public var keys: Dictionary<Key, Int>.Keys { slotOf.keys }

    /// The value for `key`; setting `nil` removes it.
    public subscript(key: Key) -> Value? {
        get { slotOf[key].flatMap { slots[$0].value } }
        _modify {
            if let slot = slotOf[key] {
                yield &slots[slot].value
                if case .none = slots[slot].value { release(slot, key: key) }
            } else {
                var added: Value?
                yield &added
                if let added { insert(added, forKey: key) }
            }
        }
    }

    /// The slot of `key`'s value, for ``subscript(slot:)``.
    public func slot(forKey key: Key) -> Int? { slotOf[key] }

    /// The value in `slot` (from ``slot(forKey:)``), read and changed in place.
    public subscript(slot slot: Int) -> Value {
        get { slots[slot].value! }
        _modify { yield &slots[slot].value! }
    }

    /// The handle that reaches `key`'s value without hashing `key`, if it exists.
    public func handle(forKey key: Key) -> SlotHandle? {
        slotOf[key].map { SlotHandle(slot: UInt32($0), generation: slots[$0].generation) }
    }

    /// Reads and changes the value `handle` names in place, if it was not removed. A slot's
    /// generation moves on at each removal, so a handle whose generation matches names a
    /// value (and checking it copies none).
    public mutating func withValue<R>(_ handle: SlotHandle, _ body: (inout Value) -> R) -> R? {
        let slot = Int(handle.slot)
        guard slot < slots.count, slots[slot].generation == handle.generation else { return nil }
        return body(&slots[slot].value!)
    }

    /// Removes `key`'s value, returning it.
    @discardableResult
    public mutating func removeValue(forKey key: Key) -> Value? {
        guard let slot = slotOf[key] else { return nil }
        let value = slots[slot].value
        slots[slot].value = nil
        release(slot, key: key)
        return value
    }

    private mutating func insert(_ value: Value, forKey key: Key) {
        let slot = free.popLast() ?? {
            slots.append(Slot())
            return slots.count - 1
        }()
        slots[slot].value = value
        slotOf[key] = slot
    }

    private mutating func release(_ slot: Int, key: Key) {
        slotOf[key] = nil
        slots[slot].generation &+= 1
        free.append(slot)
    }
}

/// A value's place in a ``SlotMap``: reaches it without hashing its key, and reaches nothing
/// once it was removed, even after another value took its slot.
public struct SlotHandle: Hashable, Sendable {
    let slot: UInt32
    let generation: UInt32
}
