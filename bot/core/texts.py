"""Everything the bot says to a young person, in one place (so it can be reviewed and translated)."""

from __future__ import annotations

PRIVACY_VERSION = 1

WELCOME = (
    "👋 Hi! This is youthvoice, from the council's User Voice and Participation team.\n\n"
    "We ask young people what they think about services that affect them, and we act on it."
)

PRIVACY_NOTICE = (
    "🔒 Your privacy, in plain words\n\n"
    "• What we keep: your answers, that you agreed to this notice, and your Telegram number "
    "so we know where you're up to. We never keep your name or username.\n"
    "• Who sees it: only the User Voice and Participation team. "
    "People who read the results see totals, never who said what.\n"
    "• Anonymous: when a consultation says it is anonymous, your answers are saved under a "
    "scrambled code, not your Telegram name, username or number.\n"
    "• How long: answers are kept until the consultation's results are written up, "
    "then only the totals are kept.\n"
    "• Your safety: if a message says you or someone else is in danger, "
    "we will pass it to a person in the team who can help.\n\n"
    "You can read this again any time with /privacy."
)

CONSENT_QUESTION = "Are you happy to take part?"
CONSENT_BUTTON = "✅ Yes, I agree"
DECLINE_BUTTON = "❌ No thanks"
DECLINED = "That's fine. Nothing about you has been saved.\nIf you change your mind, just send /start."
NEED_CONSENT = "Before we start, please read this and tell us if you're happy to take part."

CHOOSE_CONSULTATION = "Here's what you can have your say on right now. Tap one to start:"
NOTHING_OPEN = (
    "There's nothing open to answer right now. We'll have more soon — send /start again another day."
)
CONTINUE_MARK = "▶️ Continue: "
DONE_MARK = "✅ "
ALREADY_DONE = "You've already sent your answers to “{title}”. Thank you! 💜"
NOT_OPEN = "Sorry, “{title}” isn't open right now."
UNKNOWN_CONSULTATION = "Sorry, I couldn't find that consultation. Here's what's open:"

QUESTION_OF = "Question {n} of {total}"
PICK_ONE = "Tap one answer."
PICK_SOME = "Tap all that apply, then tap Next."
PICK_UP_TO = "Tap up to {limit}, then tap Next."
PICK_SCALE = "Tap a number."
TYPE_ANSWER = "Type your answer and send it (up to {limit} characters)."
YOUR_ANSWER = "Your answer so far: {answer}"
CHOSEN = "✅ "
NOT_CHOSEN = "▫️ "

NEXT_BUTTON = "Next ➡️"
KEEP_BUTTON = "Keep this answer ➡️"
BACK_BUTTON = "⬅️ Back"
SKIP_BUTTON = "Skip ⏭️"
SUBMIT_BUTTON = "✅ Send my answers"

REVIEW_TITLE = "Nearly done! Here's what you said:"
REVIEW_ASK = "Tap Send if it's right, or Back to change something."
NOT_ANSWERED = "(no answer)"
SKIPPED = "(skipped)"

THANK_YOU = (
    "🎉 Thank you! Your answers have been sent to the participation team.\n\n"
    "What you said really does help decide what happens next."
)
SENT_TITLE = "✅ Sent! Here's what you said:"
CONSENT_GIVEN = "✅ You said yes. Thanks! 🙌"

NEEDS_ANSWER = "This one needs an answer before you move on."
USE_THE_BUTTONS = "Please tap one of the buttons under the question."
MOVED_ON = "That question has moved on — here's where you are now."
STICKER_OR_MEDIA = "I can only read typed messages and button taps here. Send /help if you're stuck."
EDITS_NOT_SEEN = (
    "I can't see changes to messages you've already sent. To change an answer, "
    "tap ⬅️ Back before you send your answers."
)

PAUSED = (
    "OK, I've paused “{title}”. Your answers so far are saved.\n"
    "Send /start when you want to pick up where you left off."
)
NOTHING_TO_CANCEL = "There's nothing to cancel. Send /start to see what's open."
NOT_UNDERSTOOD = "I'm not sure what you mean. Send /start to see what you can answer, or /help for help."

HELP = (
    "Here's what I can do:\n\n"
    "/start – see the consultations you can answer (or carry on with one)\n"
    "/cancel – pause the one you're doing; your answers so far are kept\n"
    "/privacy – what we keep and who sees it\n"
    "/help – this message\n\n"
    "Answer by tapping the buttons. For questions that ask you to type, just send a message."
)


def too_many_choices(limit: int) -> str:
    return f"You can pick up to {limit}. Tap one you've picked to remove it first."


def too_long(length: int, limit: int) -> str:
    return (
        f"That's a bit long — please keep it to {limit} characters "
        f"(yours was {length}). Nothing has been saved yet, so try again."
    )


SOMETHING_WENT_WRONG = (
    "Sorry, something went wrong on our side. Your answers so far are safe — please try again in a moment."
)
