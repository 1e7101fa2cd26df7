extension Array where Element == UInt8 {
    /// Appends up to `room` bytes that `body` writes straight into the array's storage, and
    /// keeps only the `n` bytes it reports having written (no intermediate buffer).
    ///
    /// Reserve capacity before calling when growth must be exact (see ``Inflater``): within
    /// capacity, this never reallocates.
    mutating func appendInPlace<E: Error>(
        room: Int, _ body: (UnsafeMutablePointer<UInt8>, Int) throws(E) -> Int
    ) throws(E) {
        let start = count
        append(contentsOf: repeatElement(0, count: room))
        var written = 0
        do {
            written = try withUnsafeMutableBufferPointer { (buffer) throws(E) -> Int in
                try body(buffer.baseAddress! + start, room)
            }
        } catch {
            removeLast(room)
            throw error
        }
        removeLast(room - written)
    }
}
