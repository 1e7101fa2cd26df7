import ParleyCore
import Testing

/// ``SlotMap``: a dictionary's behaviour, values in reused slots, handles that never outlive
/// their value.
@Suite struct SlotMapTests {
    @Test("reads, changes in place, removes by assigning nil or by key, and counts like a dictionary")
    func behavesLikeADictionary() {
        var map = SlotMap<String, [Int]>()
        map["a"] = [1]
        map["b"] = [2]
        map["a"]?.append(10)
        #expect(map["a"] == [1, 10])
        #expect(map.count == 2)
        map["a"] = nil
        #expect(map["a"] == nil)
        #expect(map.count == 1)
        #expect(map.removeValue(forKey: "b") == [2])
        #expect(map.removeValue(forKey: "b") == nil)
        #expect(map.count == 0)
        #expect(map.keys.isEmpty)
        map["c"] = [3]
        #expect(map["c"] == [3])
        let slot = map.slot(forKey: "c")!
        map[slot: slot].append(4)
        #expect(map["c"] == [3, 4])
    }

    @Test("a handle reaches its value until it is removed, and never the value that reuses its slot")
    func handlesNeverOutliveTheirValue() throws {
        var map = SlotMap<Int, String>()
        map[1] = "one"
        let one = try #require(map.handle(forKey: 1))
        #expect(map.withValue(one) { value -> String in
            value += "!"
            return value
        } == "one!")
        map[1] = nil
        map[2] = "two"
        let two = try #require(map.handle(forKey: 2))
        #expect(map.withValue(one) { $0 } == nil)
        #expect(map.withValue(two) { $0 } == "two")
        #expect(map[2] == "two")
    }
}
