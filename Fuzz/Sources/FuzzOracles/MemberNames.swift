import ParleyWire

/// An independent check of JSON-5's duplicate rule on the message object: finds a member
/// name given twice, compared byte for byte after unescaping.
///
/// Only the top-level object is walked: nested structures are decoded by the same generated
/// code, and the values of unknown members are opaque JSON (VER-3), where RFC 8259 allows
/// repeated names.
enum MemberNames {
    /// The first member name of the top-level object that appears twice, or `nil`.
    static func firstDuplicate(in text: UnsafeRawBufferPointer) -> String? {
        var reader = JSONReader(text)
        var names = Set<[UInt8]>()
        var first = true
        do throws(WireError) {
            try reader.beginObject("message")
            while let name = try reader.nextKey(first: &first) {
                if !names.insert(Array(name.utf8)).inserted { return name }
                try reader.skipValue()
            }
        } catch {
            return nil  // Not reached for a text the decoder accepted.
        }
        return nil
    }
}
