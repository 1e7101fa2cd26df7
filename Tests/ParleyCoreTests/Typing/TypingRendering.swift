import ParleyCore
import ParleyWire

/// The scenario files' one-line text form of typing actions (Spec/scenarios/presence/README.md).
/// Timer requests are not rendered: the tests check them directly.
enum TypingRendering {
    static func render(_ action: TypingAction) -> String? {
        switch action {
        case .publish(let update, let audience):
            "\(render(audience)) \(update.conversation): "
                + (update.typers.isEmpty ? "-" : update.typers.map(render).joined(separator: ", "))
        case .reject(let error): "error \(error.code.name)"
        case .armTimer: nil
        }
    }

    static func render(_ audience: TypingAudience) -> String {
        switch audience {
        case .staff(let excluding): "staff-except[\(excluding.joined(separator: ","))]"
        case .visitors(let excluding): "visitors-except[\(excluding.joined(separator: ","))]"
        case .user(let user): "user[\(user)]"
        }
    }

    static func render(_ typer: ActiveTyper) -> String {
        "\(typer.user)/\(typer.role.jsonName)" + (typer.isInternal ? "/internal" : "")
            + (typer.preview.map { " \"\($0)\"" } ?? "")
    }
}
