/// A binary min-heap of integer handles ordered by a key, with O(log n) removal and re-keying
/// of any handle.
///
/// The router keeps waiting conversations and available agents in these so that finding the
/// next match never scans a queue (ROUTE-12). Handles are the router's dense integer slots.
///
/// - Complexity: `insert`, `remove`, `update` O(log n); `min` O(1).
struct IndexedHeap<Key: Comparable & Sendable>: Sendable {
    private var entries: [(key: Key, handle: Int)] = []
    private var positions: [Int: Int] = [:]

    /// How many handles the heap holds.
    var count: Int { entries.count }

    /// Whether the heap is empty.
    var isEmpty: Bool { entries.isEmpty }

    /// The handle with the smallest key and that key, if any.
    var min: (key: Key, handle: Int)? { entries.first }

    /// Whether `handle` is in the heap.
    func contains(_ handle: Int) -> Bool { positions[handle] != nil }

    /// Every handle with its key, in no particular order.
    var unordered: [(key: Key, handle: Int)] { entries }

    /// Adds `handle` with `key`; the handle must not be present.
    mutating func insert(_ handle: Int, key: Key) {
        entries.append((key, handle))
        positions[handle] = entries.count - 1
        siftUp(entries.count - 1)
    }

    /// Removes `handle` if present.
    mutating func remove(_ handle: Int) {
        guard let index = positions.removeValue(forKey: handle) else { return }
        let last = entries.count - 1
        if index != last {
            entries[index] = entries[last]
            positions[entries[index].handle] = index
        }
        entries.removeLast()
        if index < entries.count {
            siftDown(index)
            siftUp(index)
        }
    }

    /// Changes the key of `handle`, inserting it when absent.
    mutating func update(_ handle: Int, key: Key) {
        guard let index = positions[handle] else { return insert(handle, key: key) }
        entries[index].key = key
        siftDown(index)
        siftUp(index)
    }

    /// The smallest-keyed handle that satisfies `accept`, searched best-first so that only
    /// entries smaller than the answer are visited.
    ///
    /// - Complexity: O(1) when the minimum is accepted, O(k log k) when k entries are rejected.
    func first(where accept: (Int) -> Bool) -> (key: Key, handle: Int)? {
        guard let top = entries.first else { return nil }
        if accept(top.handle) { return top }
        var frontier = IndexedHeap<Key>()
        frontier.pushChildren(of: 0, from: entries)
        while let next = frontier.min {
            frontier.remove(next.handle)
            let entry = entries[next.handle]
            if accept(entry.handle) { return entry }
            frontier.pushChildren(of: next.handle, from: entries)
        }
        return nil
    }

    /// Adds the children of `index` in `source` to this heap, using array indices as handles.
    private mutating func pushChildren(of index: Int, from source: [(key: Key, handle: Int)]) {
        let left = 2 * index + 1
        if left < source.count { insert(left, key: source[left].key) }
        if left + 1 < source.count { insert(left + 1, key: source[left + 1].key) }
    }

    private mutating func siftUp(_ start: Int) {
        var index = start
        while index > 0 {
            let parent = (index - 1) / 2
            guard entries[index].key < entries[parent].key else { return }
            swapAt(index, parent)
            index = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var index = start
        while true {
            let left = 2 * index + 1
            guard left < entries.count else { return }
            var smallest = left
            let right = left + 1
            if right < entries.count, entries[right].key < entries[left].key { smallest = right }
            guard entries[smallest].key < entries[index].key else { return }
            swapAt(index, smallest)
            index = smallest
        }
    }

    private mutating func swapAt(_ a: Int, _ b: Int) {
        entries.swapAt(a, b)
        positions[entries[a].handle] = a
        positions[entries[b].handle] = b
    }
}
