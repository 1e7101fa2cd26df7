import ParleyCore
import ParleyWire

/// Keeps a command's result within the largest frame payload the client accepts (FRAME-6):
/// a history page is cut to the events nearest its anchor that fit, with `hasMore` set so the
/// client pages on; a search page to its first events that fit, with `next` naming the last
/// one kept (CONV-36); a result that cannot be cut (transcript, list) is answered with
/// RESULT_TOO_LARGE instead.
///
/// The size that counts is the larger of the binary and JSON encodings, before compression:
/// the core does not know the connection's binding, and compression may not shrink a page.
enum ResultFit {
    /// `result` if it fits in `maxFrame` payload bytes, else the cut page or the error.
    ///
    /// Only results that carry collections are measured (history and search pages, transcripts, lists):
    /// every other result is small, bounded by the session's limits, and measuring means
    /// encoding it twice more on every command.
    static func fitted(_ result: Message, answering request: Message, maxFrame: UInt64) -> Message {
        switch result {
        case .historyPage, .searchResult, .transcriptResult, .conversations, .blocks: break
        default: return result
        }
        guard size(of: result) > maxFrame else { return result }
        if case .historyPage(let page) = result, case .history(let history) = request,
            let cut = cut(page, keepingNewest: (history.direction ?? .backward) == .backward, maxFrame: maxFrame)
        {
            return .historyPage(cut)
        }
        if case .searchResult(let page) = result, let cut = cut(page, maxFrame: maxFrame) {
            return .searchResult(cut)
        }
        return .error(Wire.ErrorReply(
            rid: result.resultRID, code: UInt64(ErrorCode.resultTooLarge.rawValue),
            message: "the \(result.name) would be \(size(of: result)) bytes, over the \(maxFrame) your hello accepts",
            requirement: "FRAME-6", messageType: request.typeCode))
    }

    /// The most events of `page` that fit, nearest its anchor (the newest when paging
    /// backward, the oldest when paging forward); `nil` when not even one does.
    private static func cut(_ page: Wire.HistoryPage, keepingNewest: Bool, maxFrame: UInt64) -> Wire.HistoryPage? {
        func keeping(_ count: Int) -> Wire.HistoryPage {
            var cut = page
            cut.events = Array(keepingNewest ? page.events.suffix(count) : page.events.prefix(count))
            cut.hasMore = true
            return cut
        }
        let fits = mostEvents(of: page.events.count, fitting: maxFrame) { .historyPage(keeping($0)) }
        return fits == 0 ? nil : keeping(fits)
    }

    /// The first events of a search page that fit, `next` naming the last one kept (more
    /// matches follow it: those cut, at least); `nil` when not even one does.
    private static func cut(_ page: Wire.SearchResult, maxFrame: UInt64) -> Wire.SearchResult? {
        func keeping(_ count: Int) -> Wire.SearchResult {
            var cut = page
            cut.events = Array(page.events.prefix(count))
            cut.next = cut.events.last.map(Wire.SearchPosition.init)
            return cut
        }
        let fits = mostEvents(of: page.events.count, fitting: maxFrame) { .searchResult(keeping($0)) }
        return fits == 0 ? nil : keeping(fits)
    }

    /// The largest count below `count` whose result fits in `maxFrame` (0 when none does), by
    /// binary search: the size grows with the count, and `count` itself did not fit.
    private static func mostEvents(of count: Int, fitting maxFrame: UInt64, _ result: (Int) -> Message) -> Int {
        var fits = 0
        var tooMany = count
        while tooMany - fits > 1 {
            let middle = (fits + tooMany) / 2
            if size(of: result(middle)) <= maxFrame { fits = middle } else { tooMany = middle }
        }
        return fits
    }

    /// The larger of the message's binary and JSON payload sizes.
    private static func size(of message: Message) -> UInt64 {
        var binary: [UInt8] = []
        message.encodeBinary(into: &binary)
        var json: [UInt8] = []
        message.encodeJSON(into: &json)
        return UInt64(max(binary.count, json.count))
    }
}
