import ParleyTestSupport
import ParleyWire
import Testing

@Suite struct ErrorCodeTests {
    @Test("ERR-1: the Swift table matches Spec/schema/errors.json code for code")
    func tableMatchesSpec() throws {
        let spec = try SpecFiles.json("schema/errors.json")["errors"] as! [[String: Any]]
        #expect(spec.count == ErrorCode.allKnown.count)
        for (entry, code) in zip(spec, ErrorCode.allKnown) {
            #expect(UInt32(entry["code"] as! Int) == code.rawValue)
            #expect(entry["name"] as? String == code.name)
            #expect(entry["fatal"] as? Bool == code.isFatal)
        }
    }

    @Test("ERR-2: unknown codes keep their number and take fatality from their range")
    func unknownCodes() {
        #expect(ErrorCode(rawValue: 1999).name == "UNKNOWN_1999")
        #expect(ErrorCode(rawValue: 1999).isFatal)
        #expect(!ErrorCode(rawValue: 3999).isFatal)
        #expect(ErrorCode(rawValue: 5999).isFatal)
    }
}
