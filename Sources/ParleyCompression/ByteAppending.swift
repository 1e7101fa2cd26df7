/// Zero bytes to extend arrays with before zlib overwrites them: copying from a buffer is a
/// memcpy even in debug builds, where `repeatElement` goes element by element.
private let zeroes = [UInt8](repeating: 0, count: 1 << 16)

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
        var left = room
        while left > 0 {
            let step = Swift.min(left, zeroes.count)
            append(contentsOf: zeroes[..<step])
            left -= step
        }
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
