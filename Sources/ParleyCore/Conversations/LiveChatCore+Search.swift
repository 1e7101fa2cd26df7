import ParleyWire

/// Staff search over transcripts (CONV-36): the messages and notes of the searcher's teams'
/// conversations that hold every word of a query, newest first, one page at a time.
///
/// Without a store (``LiveChatConfiguration/keepsArchive`` on) the core scans its memory, which
/// holds every conversation; with one, the embedding server has the store run the
/// ``searchQuery(_:before:limit:from:)`` and hands what it found to
/// ``search(_:before:limit:from:found:)`` (STORE-9), which builds the page either way.
///
/// ```swift
/// let outcome = core.search("refund late", from: ann)   // the newest page
/// if case .success(.search(let page)) = outcome.result, let next = page.next {
///     _ = core.search("refund late", before: next, from: ann)   // the page after it
/// }
/// ```
extension LiveChatCore {
    /// The query a search by `actor` for `text` asks the store, or why it is refused: visitors
    /// get FORBIDDEN; no word, more than ``TranscriptQuery/maxWords`` words, a word longer than
    /// ``TranscriptQuery/maxWordBytes`` or a `limit` of 0 get INVALID_ARGUMENT (CONV-36).
    ///
    /// The query asks for one event more than the page holds, so that the page knows whether
    /// another follows.
    ///
    /// - Parameters:
    ///   - text: What the searcher typed; its words are ``TranscriptQuery/words(of:)``.
    ///   - before: Where the page starts (an earlier page's ``SearchPage/next``); `nil` for the newest.
    ///   - limit: The page size wanted, capped by ``LiveChatConfiguration/searchPageMax`` (its default).
    ///   - actor: Who searches; their teams are searched.
    public func searchQuery(
        _ text: String, before: Wire.SearchPosition? = nil, limit: Int? = nil, from actor: ChatIdentity
    ) -> Result<TranscriptQuery, CommandError> {
        guard actor.isStaff else { return .failure(CommandError(.forbidden, "CONV-36", "search is for staff")) }
        let limit = min(limit ?? configuration.searchPageMax, configuration.searchPageMax)
        guard limit > 0 else { return .failure(CommandError(.invalidArgument, "CONV-36", "limit must be positive")) }
        let words = TranscriptQuery.words(of: text)
        guard !words.isEmpty else {
            return .failure(CommandError(.invalidArgument, "CONV-36", "the query has no word (letters or digits)"))
        }
        guard words.count <= TranscriptQuery.maxWords else {
            return .failure(CommandError(
                .invalidArgument, "CONV-36", "the query has \(words.count) words, more than \(TranscriptQuery.maxWords)"))
        }
        if let long = words.first(where: { $0.utf8.count > TranscriptQuery.maxWordBytes }) {
            return .failure(CommandError(
                .invalidArgument, "CONV-36", "a word of the query has \(long.utf8.count) bytes, more than \(TranscriptQuery.maxWordBytes)"))
        }
        return .success(TranscriptQuery(words: words, teams: actor.teams, before: before, limit: limit + 1))
    }

    /// A page of search results for `actor` (CONV-36): the events `found` by the store for
    /// ``searchQuery(_:before:limit:from:)`` (STORE-9), or, when `found` is `nil`, those a scan
    /// of memory finds. Refused as ``searchQuery(_:before:limit:from:)`` says; changes nothing.
    ///
    /// - Complexity: Without `found`, O(*n* log *n*) in the events in memory: only a core that
    ///   keeps its archive (no store) scans.
    public func search(
        _ text: String, before: Wire.SearchPosition? = nil, limit: Int? = nil, from actor: ChatIdentity, found: [ChatEvent]? = nil
    ) -> LiveChatOutcome {
        let query: TranscriptQuery
        switch searchQuery(text, before: before, limit: limit, from: actor) {
        case .success(let asked): query = asked
        case .failure(let error): return LiveChatOutcome(result: .failure(error), actions: [])
        }
        let matching = found ?? scan(query)
        let pageSize = query.limit - 1
        let page = Array(matching.prefix(pageSize))
        let next = matching.count > pageSize ? page.last.map(Wire.SearchPosition.init) : nil
        return LiveChatOutcome(result: .success(.search(SearchPage(events: page, next: next))), actions: [])
    }

    /// The events in memory `query` finds, newest first, at most its limit: every conversation
    /// of its teams, archived ones included.
    private func scan(_ query: TranscriptQuery) -> [ChatEvent] {
        var found: [ChatEvent] = []
        for state in ConversationState.allCases {
            for id in store.conversations(in: state) {
                guard let machine = conversation(id), query.teams.contains(machine.team), machine.lastCseq > 0 else { continue }
                found += store.events(of: id, in: 1...machine.lastCseq).filter { query.matches($0, team: machine.team) }
            }
        }
        return query.page(of: found)
    }
}
