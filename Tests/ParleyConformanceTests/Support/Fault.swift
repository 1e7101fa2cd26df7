/// Test code: one deliberate violation of the spec, built into the reference server by
/// ``SabotagingAcceptor`` or by its configuration, with the checks that must catch it.
enum Fault: String, CaseIterable, Sendable {
    case wrongRid, answerTwice, echoTyping, acceptOversizedFrame, leakNotes, replayTwice, wrongErrorCode,
         closeOnUnknownType, noRetryAfter, duplicateNotFlagged, seqGap, silentUnknownResume, ignoreCapacity,
         typingNeverExpires, commandBeforeHello, wrongPongNonce, revealOthersConversations, keepReplacedConnection

    /// The checks to run against the broken server (a subset, to keep the test short).
    var checks: [String] {
        switch self {
        case .wrongRid, .answerTwice: ["one-result-per-command"]
        case .echoTyping: ["typing-reaches-other-side"]
        case .acceptOversizedFrame: ["frame-too-large"]
        case .leakNotes: ["internal-notes"]
        case .replayTwice, .seqGap: ["resume-exact-replay"]
        case .wrongErrorCode: ["session-unsupported-version"]
        case .closeOnUnknownType: ["binary-unknown-message-type"]
        case .noRetryAfter: ["rate-limit-presence"]
        case .duplicateNotFlagged: ["idempotent-send"]
        case .silentUnknownResume: ["session-resume-unknown-token"]
        case .ignoreCapacity: ["agent-capacity"]
        case .typingNeverExpires: ["typing-expires"]
        case .commandBeforeHello: ["session-not-authenticated"]
        case .wrongPongNonce: ["heartbeat-pong"]
        case .revealOthersConversations: ["visitor-isolation"]
        case .keepReplacedConnection: ["resume-replaces-attached"]
        }
    }

    /// A requirement the suite must report as failed.
    var violates: String {
        switch self {
        case .wrongRid, .answerTwice: "MSG-3"
        case .echoTyping: "TYPE-8"
        case .acceptOversizedFrame: "FRAME-5"
        case .leakNotes: "CONV-14"
        case .replayTwice: "SESSION-14"
        case .seqGap: "SESSION-10"
        case .wrongErrorCode: "SESSION-2"
        case .closeOnUnknownType: "VER-4"
        case .noRetryAfter: "ERR-6"
        case .duplicateNotFlagged: "SESSION-23"
        case .silentUnknownResume: "SESSION-16"
        case .ignoreCapacity: "ROUTE-5"
        case .typingNeverExpires: "TYPE-3"
        case .commandBeforeHello: "SESSION-1"
        case .wrongPongNonce: "SESSION-26"
        case .revealOthersConversations: "CONV-30"
        case .keepReplacedConnection: "SESSION-18"
        }
    }
}
