import ParleyTestSupport
@testable import ParleyCore
import Testing

/// The ordered structure behind ROUTE-12, checked against a sorted array under random
/// inserts, removals, re-keyings and filtered minimum queries.
@Suite struct IndexedHeapTests {
    @Test(arguments: [UInt64(11), 12, 13])
    func matchesSortedModel(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        var heap = IndexedHeap<Int>()
        var model: [Int: Int] = [:]
        for _ in 0..<5_000 {
            let handle = Int.random(in: 0..<200, using: &random)
            let key = Int.random(in: 0..<1_000, using: &random)
            switch Int.random(in: 0..<4, using: &random) {
            case 0 where model[handle] == nil:
                heap.insert(handle, key: key)
                model[handle] = key
            case 1:
                heap.remove(handle)
                model[handle] = nil
            case 2:
                heap.update(handle, key: key)
                model[handle] = key
            default:
                let modulus = Int.random(in: 1...5, using: &random)
                let accept = { (handle: Int) in handle % modulus == 0 }
                let expected = model.filter { accept($0.key) }.min { ($0.value, $0.key) < ($1.value, $1.key) }
                let found = heap.first(where: accept)
                #expect(found?.key == expected?.value, "filtered minimum key")
                if let found { #expect(model[found.handle] == found.key && accept(found.handle)) }
            }
            #expect(heap.count == model.count)
            #expect(heap.min?.key == model.values.min())
        }
    }
}
