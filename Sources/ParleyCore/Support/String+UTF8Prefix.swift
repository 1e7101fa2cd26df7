extension String {
    /// The longest prefix of whole characters that fits in `maxBytes` bytes of UTF-8.
    public func prefix(utf8Bytes maxBytes: Int) -> String {
        guard utf8.count > maxBytes else { return self }
        var bytes = 0
        var end = startIndex
        for index in indices {
            bytes += self[index].utf8.count
            guard bytes <= maxBytes else { break }
            end = self.index(after: index)
        }
        return String(self[..<end])
    }
}
