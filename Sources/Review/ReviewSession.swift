import SluiceCore

/// What a front end does after the session handled an action.
enum SessionEvent: Equatable {
    /// Show the current card again, with this message (empty when there is nothing to say).
    case show(String)
    /// Show the item's full text, then the card again.
    case text(title: String, body: String)
    case help
    case quit
}

/// The moderation logic both front ends share: the queue of cards in priority order, claiming each card as it
/// is opened, saving each decision at once, undo, and turning every refusal from the store into a message.
///
/// Owned by one front end on one thread; the backend it calls is the only shared part.
final class ReviewSession {
    let backend: any ReviewBackend
    let moderator: String
    private(set) var cards: [ReviewCard] = []
    private(set) var index = 0
    private(set) var summary = ReviewSummary()
    /// Items skipped or decided in this session: loading more cards leaves them out.
    private var passed: Set<Int64> = []
    private var decisions: [(receipt: DecisionReceipt, action: ReviewAction)] = []
    /// The one item this session holds a claim on; opening another card gives it up.
    private var held: Int64?
    private static let batchSize = 20

    init(backend: any ReviewBackend, moderator: String) {
        self.backend = backend
        self.moderator = moderator
    }

    var current: ReviewCard? { cards.indices.contains(index) ? cards[index] : nil }

    /// `3/17`: where the current card stands among the cards loaded so far.
    var position: String { "\(min(index + 1, cards.count))/\(cards.count)" }

    /// Loads the first cards and opens the first one the moderator may claim; a store that cannot list
    /// cards at all is an error for the caller.
    func start() throws -> String {
        cards = try backend.nextCards(moderator: moderator, limit: Self.batchSize)
        return open()
    }

    func perform(_ action: ReviewAction) -> SessionEvent {
        switch action {
        case .help: return .help
        case .quit: return .quit
        case .undo: return .show(undo())
        case .next: return .show(move(by: 1))
        case .previous: return .show(move(by: -1))
        case .view, .skip, .edit, .approve, .reject:
            guard let card = current else { return .show("no item to act on: the queue is empty") }
            do {
                return try act(action, on: card)
            } catch {
                return .show(refused(card, error))
            }
        }
    }

    /// The actions on the card shown; approve and reject are the rest.
    private func act(_ action: ReviewAction, on card: ReviewCard) throws -> SessionEvent {
        switch action {
        case .view:
            return .text(title: card.title ?? "#\(card.id)", body: try backend.fullText(itemID: card.id))
        case .skip:
            passed.insert(card.id)
            summary.skipped += 1
            let note = letGo()
            return .show(Self.sentences("skipped #\(card.id)", note, advance()))
        case .edit(let field, let value):
            let receipt = try backend.edit(itemID: card.id, version: card.version, moderator: moderator,
                                           field: field, value: value)
            record(receipt, action)
            cards[index].apply(field, value)
            return .show("\(field.rawValue) of #\(card.id) saved")
        default:
            let receipt = try decide(card, action)
            record(receipt, action)
            passed.insert(card.id)
            return .show(Self.sentences("\(Self.describe(action)) #\(card.id)", advance()))
        }
    }

    /// Releases the claim still held; called on every way out of a session.
    func finish() -> String { letGo() }

    /// Gives up the claim held, unless it is on `kept`. A claim that cannot be released lapses by itself, so
    /// the failure is only reported.
    private func letGo(keeping kept: Int64? = nil) -> String {
        guard let itemID = held, itemID != kept else { return "" }
        held = nil
        do {
            try backend.release(itemID: itemID, moderator: moderator)
            return ""
        } catch {
            return "could not release #\(itemID): \(Self.describe(error))"
        }
    }

    /// Saves an approval or rejection; the store ends the claim with it.
    private func decide(_ card: ReviewCard, _ action: ReviewAction) throws -> DecisionReceipt {
        let receipt: DecisionReceipt
        if case .reject(let reason, let text) = action {
            receipt = try backend.reject(itemID: card.id, version: card.version, moderator: moderator, reason: reason,
                                         text: text)
            cards[index].state = "rejected"
        } else {
            receipt = try backend.approve(itemID: card.id, version: card.version, moderator: moderator)
            cards[index].state = "approved"
        }
        if held == card.id { held = nil }
        return receipt
    }

    private func record(_ receipt: DecisionReceipt, _ action: ReviewAction) {
        decisions.append((receipt, action))
        cards[index].version = receipt.newVersion
        count(action, by: 1)
    }

    private func count(_ action: ReviewAction, by step: Int) {
        switch action {
        case .approve: summary.approved += step
        case .reject: summary.rejected += step
        case .edit: summary.edited += step
        default: break
        }
    }

    /// Undoes the last saved decision of this session; the counts are net, so it is taken off its kind.
    private func undo() -> String {
        guard let last = decisions.last else { return ReviewBackendError.nothingToUndo.description }
        do {
            try backend.undo(last.receipt, moderator: moderator)
        } catch {
            return "undo refused: \(Self.describe(error))"
        }
        decisions.removeLast()
        count(last.action, by: -1)
        summary.undone += 1
        passed.remove(last.receipt.itemID)
        let what = "undid \(Self.describe(last.action)) of #\(last.receipt.itemID)"
        return Self.sentences(what, reload(last.receipt.itemID, focus: true))
    }

    /// A refusal becomes a message; a stale view also reloads the card so the moderator sees what changed.
    private func refused(_ card: ReviewCard, _ error: any Error) -> String {
        let message = "not saved: \(Self.describe(error))"
        switch error as? ReviewBackendError {
        case .staleView, .claimedByOther, .notReviewable, .notFound:
            return Self.sentences(message, reload(card.id, focus: false))
        default:
            return message
        }
    }

    /// Reads the item again from the store and puts it back in place of the copy shown; returns a note
    /// when the item is gone from this moderator's queue.
    private func reload(_ itemID: Int64, focus: Bool) -> String? {
        let fresh: [ReviewCard]
        do {
            fresh = try backend.nextCards(moderator: moderator, limit: cards.count + passed.count + Self.batchSize)
        } catch {
            return "could not reload #\(itemID): \(Self.describe(error))"
        }
        let position = cards.firstIndex { $0.id == itemID }
        guard let card = fresh.first(where: { $0.id == itemID }) else {
            guard let position else { return "#\(itemID) is no longer in the queue" }
            cards.remove(at: position)
            if position < index { index -= 1 }
            return Self.sentences("#\(itemID) is no longer in your queue", open())
        }
        if let position {
            cards[position] = card
            if focus { index = position }
        } else {
            cards.insert(card, at: index)
        }
        return focus ? open() : nil
    }

    private func advance() -> String {
        index += 1
        return open()
    }

    private func move(by step: Int) -> String {
        // Past the last card, the next one is the first card loaded after it.
        let target = index >= cards.count && step > 0 ? cards.count : index + step
        if target < 0 { return "this is the first item" }
        if target >= cards.count {
            do {
                if try loadMore() == 0 { return "no more items" }
            } catch {
                return "could not load more items: \(Self.describe(error))"
            }
        }
        index = target
        return open()
    }

    /// Claims the current card; cards other moderators hold are dropped from the queue with a note.
    private func open() -> String {
        var notes: [String] = []
        while true {
            if index >= cards.count {
                do {
                    if try loadMore() == 0 {
                        notes.append(letGo())
                        notes.append("no more items to review")
                        break
                    }
                } catch {
                    notes.append("could not load more items: \(Self.describe(error))")
                    break
                }
            }
            // A card decided in this session is shown again as it was, without a claim.
            guard let card = current, card.state == "pending_review" else {
                notes.append(letGo())
                break
            }
            do {
                try backend.claim(itemID: card.id, moderator: moderator)
                notes.append(letGo(keeping: card.id))
                held = card.id
                break
            } catch {
                notes.append("passed over #\(card.id): \(Self.describe(error))")
                passed.insert(card.id)
                cards.remove(at: index)
            }
        }
        return Self.sentences(notes)
    }

    /// Appends cards not yet loaded nor passed; returns how many.
    private func loadMore() throws -> Int {
        let known = Set(cards.map(\.id)).union(passed)
        let fresh = try backend.nextCards(moderator: moderator, limit: known.count + Self.batchSize)
        let added = fresh.filter { !known.contains($0.id) }
        cards += added
        return added.count
    }

    /// The notes that say something, joined with semicolons.
    static func sentences(_ notes: String?...) -> String { sentences(notes) }

    static func sentences(_ notes: [String?]) -> String {
        notes.compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: noteSeparator)
    }

    private static let noteSeparator = "; "

    /// A session message in the catalog's language. Each note of a joined message is a message of its own:
    /// translated whole, a template's last hole would swallow the notes after it.
    static func translated(_ message: String, _ catalog: MessageCatalog) -> String {
        guard catalog.language != .en else { return message }
        return message.components(separatedBy: noteSeparator).map { catalog($0) }.joined(separator: catalog(noteSeparator))
    }

    static func describe(_ action: ReviewAction) -> String {
        switch action {
        case .approve: "approved"
        case .reject(let reason, let text?): "rejected (\(reason.label): \(text))"
        case .reject(let reason, nil): "rejected (\(reason.label))"
        case .edit(let field, _): "edit of \(field.rawValue)"
        default: "\(action)"
        }
    }

    static func describe(_ error: any Error) -> String {
        (error as? ReviewBackendError)?.description ?? String(describing: error)
    }
}

extension ReviewCard {
    /// What an edit changes on the copy shown, so the screen shows it without a reload.
    mutating func apply(_ field: EditField, _ value: String) {
        switch field {
        case .category:
            category = value
            categorySource = "moderator"
            matchedTerms = []
        case .title:
            title = value
        case .summary:
            excerpt = value
        }
    }
}
