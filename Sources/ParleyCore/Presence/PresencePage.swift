/// The page a visitor is on, mirroring the wire structure `Page` (PRES-13).
public struct PresencePage: Hashable, Sendable {
    /// The page URL.
    public var url: String
    /// The page title, if the client reported one.
    public var title: String?

    /// A page.
    public init(url: String, title: String? = nil) {
        self.url = url
        self.title = title
    }
}
