"""Everything the bot says to a young person, in one place: English here, other languages in
`bot/locale/<language>.po` (gettext, read with Babel). `texts.NAME` gives the sentence in the
language of the young person being answered (see `bot.core.i18n.speaking`)."""

from __future__ import annotations

from datetime import datetime

from bot.core.i18n import (
    FIRST_STRONG_ISOLATE,
    POP_DIRECTIONAL_ISOLATE,
    current,
    translate,
    translate_plural,
)

# 2: the language and reading settings are kept too. 3: the notice in two layers, and true about
# names kept with a contact request, what retention deletes and results being shared. 4: answers
# to feedback. 5: "about you".
PRIVACY_VERSION = 5

# Each sentence by name; the name is its msgctxt in the catalogs, so a translation follows its
# sentence even where two sentences read the same in English.
ENGLISH: dict[str, str] = {
    "WELCOME": (
        "👋 Hi! This is youthvoice, from the council's User Voice and Participation team.\n"
        "\n"
        "We ask young people what they think about services that affect them, and we act on it."
    ),
    # The first layer of the privacy notice, on the consent screen: short enough to read on a phone.
    "CONSENT_SUMMARY": (
        "• It's anonymous: we don't put your name on your answers, and results never show who said "
        "what. A consultation will tell you first if it's different.\n"
        "• You can stop any time. /deleteme deletes your answers.\n"
        "• If you tell us someone is hurting you, we'll make sure you get help."
    ),
    "CONSENT_SUMMARY_EASY": (
        "• We don't put your name on your answers.\n"
        "• You can stop any time.\n"
        "• If you tell us someone is hurting you, we will get you help."
    ),
    # The full notice, behind "Read more" and /privacy. {controller}, {contact}, {dpo} and
    # {lawful_basis} are the council's settings, shown as written; the rest are numbers of days.
    "PRIVACY_NOTICE": (
        "🔒 Your privacy: the full version\n"
        "\n"
        "Who we are\n"
        "youthvoice is run by {controller}, who decide how your information is used (the law calls this "
        'the "controller"). Contact: {contact}. Data Protection Officer: {dpo}.\n'
        "\n"
        "What we keep\n"
        "• That you agreed, and the day you did. Your language and reading settings, and if you want "
        "updates. Your Telegram number, so we know where you're up to. Not your name or username, "
        'except in one case under "Your safety".\n'
        "• Your answers. If a consultation is anonymous, we save them under a code, not your Telegram "
        "number. If it isn't, it tells you first, and we keep your answers with your Telegram number.\n"
        "• Ideas you send, your votes, and photos. We take hidden details out of photos, like where they "
        "were taken. If the team approves your idea, it may go on a vote, without your name.\n"
        "• Feedback is anonymous: nothing links it to you, so even we can't find it. If you ask for an "
        "answer, we keep your Telegram number locked away with it (the team can't see it) until the "
        "answer reaches you, or for 30 days at most.\n"
        "• About you: you may answer a few short questions about you, like your age. We lock your "
        "answers away, so we don't ask again. The team can't read them. Results show them only as "
        'ranges, like "fewer than 5". /aboutyou shows, changes or deletes them.\n'
        "\n"
        "Your safety\n"
        "If something you send says you or someone else may be in danger, a person in the team reads "
        "it, even if it's anonymous. We keep what you wrote as a safeguarding record. If "
        "you ask us to contact you, we keep your name, username and Telegram number with it until "
        "{contact_days} after someone in the team picks it up. If a message might mean you're not "
        "safe, a worker reads it, and your Telegram number stays with it until they decide "
        "({concern_days} at most).\n"
        "\n"
        "Who sees it\n"
        "Only {controller} sees your answers. Anyone else sees only totals, as ranges like "
        '"5 to 9", so no one can be picked out.\n'
        "\n"
        "How long we keep it\n"
        "• When a consultation closes, we wait {answer_days}. Then we delete what you typed, ideas "
        "as you typed them, photos, and ideas the team didn't approve. An approved idea stays, as an "
        "option for a vote, without your name. The buttons you tapped and your votes stay, as part of "
        "the totals.\n"
        "• Feedback: deleted {feedback_days} after you send it.\n"
        "• If you don't use youthvoice for {quiet_days}, we delete your agreement and settings, and "
        "what you told us about you.\n"
        "• Our backup copies are replaced within {backup_days}.\n"
        "\n"
        "Why the law lets us\n"
        "Our lawful basis is {lawful_basis}.\n"
        "\n"
        "Your rights\n"
        "/mydata shows what we hold about you, and /deleteme deletes it. If you're unhappy with how we "
        "use your information, tell us first: {contact}. You can also complain to the Information "
        "Commissioner's Office (ICO): ico.org.uk/make-a-complaint or call 0303 123 1113."
    ),
    "PRIVACY_NOTICE_EASY": (
        "🔒 Your privacy: easy read\n"
        "\n"
        "Who we are: {controller}. Contact us: {contact}. Our Data Protection Officer: {dpo}.\n"
        "\n"
        "What we keep:\n"
        "• Your answers. We don't put your name on them.\n"
        "• Your Telegram number, so we know where you're up to.\n"
        "• Your ideas, votes and photos.\n"
        "• What you tell us about you, like your age, if you want to. We lock it away. /aboutyou "
        "shows it.\n"
        "\n"
        "Feedback has no name on it. We can't find it, even if you ask. If you want an answer, we lock "
        "your number away with it until the answer comes (30 days at most).\n"
        "\n"
        "Your safety: if you tell us you or someone else is in danger, a person in the team reads it. "
        "If you ask us to contact you, we keep your name until {contact_days} after we pick it up.\n"
        "\n"
        "Who sees it: only our team. Other people see totals. No one can tell who said what.\n"
        "\n"
        "How long: when a consultation ends, we wait {answer_days}. Then we delete what you typed "
        "and your photos.\n"
        "\n"
        "Why we can do this: {lawful_basis}.\n"
        "\n"
        "Your choices:\n"
        "• /mydata shows what we keep.\n"
        "• /deleteme deletes it.\n"
        "• Not happy? Tell us: {contact}. Or tell the ICO: ico.org.uk/make-a-complaint or 0303 123 1113."
    ),
    "CONSENT_QUESTION": "Are you happy to take part?",
    "CONSENT_BUTTON": "✅ Yes, I agree",
    "READ_MORE_BUTTON": "📄 Read more",
    "DECLINE_BUTTON": "❌ No thanks",
    "DECLINED": "That's fine. Nothing about you has been saved.\nIf you change your mind, just send /start.",
    # Said to anything sent before they agree, above the consent buttons: the notice is not repeated.
    "NEED_CONSENT": "Before we start: are you happy to take part? Tap a button.",
    # Once, to someone who agreed to an older notice.
    "PRIVACY_UPDATED": (
        "🔒 We've rewritten our privacy notice so it tells you everything: what we keep, who sees it and "
        "for how long. /privacy shows it, and /mydata shows what we hold about you."
    ),
    "LANGUAGE_BUTTON": "🌐 Language · اللغة",
    "LANGUAGE_ASK": "🌐 Which language would you like? You can change it any time with /language.",
    "LANGUAGE_SET": "✅ OK, I'll use English.",
    "EASY_READ_BUTTON": "📖 Easy read",
    "STANDARD_WORDING_BUTTON": "📖 Standard wording",
    "EASY_READ_ON": (
        "📖 Easy read is on: shorter, simpler questions where we have them. /easyread turns it off."
    ),
    "LISTEN_BUTTON": "🔊 Listen",
    "STOP_LISTENING_BUTTON": "🔇 No voice notes",
    "LISTEN_ON": "🔊 I'll send a voice note with each question that has one. /listen turns them off.",
    "LISTEN_OFF": "🔇 No more voice notes. /listen turns them on again.",
    "MENU_LISTEN": "Hear questions as voice notes",
    "EASY_READ_OFF": "📖 Easy read is off. /easyread turns it on again.",
    "CHOOSE_CONSULTATION": "Here's what you can have your say on right now. Tap one to start:",
    "NOTHING_OPEN": (
        "There's nothing open to answer right now. We'll have more soon — send /start again another day."
    ),
    "CONTINUE_MARK": "▶️ Continue: ",
    "DONE_MARK": "✅ ",
    # A consultation the file words only in English, listed for a reader of another language.
    "ENGLISH_ONLY_LABEL": "{title} · 🇬🇧 English only",
    # Above its introduction, for the same reader.
    "ENGLISH_ONLY_INTRO": "🇬🇧 This one is only in English, so its questions are in English.",
    "ALREADY_DONE": "You've already sent your answers to “{title}”. Thank you! 💜",
    "NOT_OPEN": "Sorry, “{title}” isn't open right now.",
    "UNKNOWN_CONSULTATION": "Sorry, I couldn't find that consultation. Here's what's open:",
    "QUESTION_OF": "Question {n} of {total}",
    "PICK_ONE": "Tap one answer.",
    "PICK_SOME": "Tap all that apply, then tap Next.",
    "PICK_UP_TO": "Tap up to {limit}, then tap Next.",
    "PICK_SCALE": "Tap a number.",
    "TYPE_ANSWER": "Type your answer and send it (up to {limit} characters).",
    "YOUR_ANSWER": "Your answer so far ({length} of {limit} characters): {answer}",
    "CHOSEN": "✅ ",
    # A yes/no question's two answers.
    "YES_OPTION": "👍 Yes",
    "NO_OPTION": "👎 No",
    "NOT_CHOSEN": "▫️ ",
    "NEXT_BUTTON": "Next ➡️",
    "KEEP_BUTTON": "Keep this answer ➡️",
    "BACK_BUTTON": "⬅️ Back",
    "SKIP_BUTTON": "Skip ⏭️",
    "PAUSE_BUTTON": "⏸ Pause",
    "SUBMIT_BUTTON": "✅ Send my answers",
    "REVIEW_TITLE": "Nearly done! Here's what you said:",
    "REVIEW_ASK": "Tap Send if it's right, or Back to change something.",
    "NOT_ANSWERED": "(no answer)",
    "SKIPPED": "(skipped)",
    "RATHER_NOT_SAID": "(rather not say)",
    "RATHER_NOT_BUTTON": "🤐 I'd rather not say",
    "PICK_PICTURE": "Look at the pictures above, then tap the number of the one you like best.",
    "PICK_FACE": "Tap the face that fits best.",
    "SEND_A_PHOTO": (
        "📷 Send a photo, or a picture of your drawing: tap 📎 and choose one from your gallery, or take one "
        "now. We remove hidden details (like where it was taken) before saving it."
    ),
    "PHOTO_KEPT": "✅ We've got your photo. Send another to replace it, or tap Keep.",
    "PHOTO_SENT": "📷 a photo",
    "NO_PHOTO_WANTED": "This question doesn't need a photo: please tap one of the buttons.",
    "PHOTO_NOT_A_PICTURE": (
        "Sorry, I can only take pictures here (a photo, or an image file like JPG or PNG)."
    ),
    "PHOTO_NOT_FETCHED": "Sorry, I couldn't fetch that picture from Telegram. Please try sending it again.",
    "PHOTO_TOO_BIG": (
        "Sorry, that picture is too big (the most is 10 MB). Try sending it as a photo, not a file."
    ),
    "THANK_YOU": (
        "🎉 Thank you! Your answers have been sent to the participation team.\n"
        "\n"
        "What you said really does help decide what happens next."
    ),
    "SENT_TITLE": "✅ Sent! Here's what you said:",
    "CONSENT_GIVEN": "✅ You said yes. Thanks! 🙌",
    "NEEDS_ANSWER": "This one needs an answer before you move on.",
    "USE_THE_BUTTONS": "Please tap one of the buttons under the question.",
    "MOVED_ON": "That question has moved on — here's where you are now.",
    "STICKER_OR_MEDIA": "I can only read typed messages and button taps here. Send /help if you're stuck.",
    "EDITS_NOT_SEEN": (
        "I can't see changes to messages you've already sent. To change an answer, tap ⬅️ Back before you "
        "send your answers."
    ),
    "PAUSED": (
        "OK, I've paused “{title}”. Your answers so far are saved.\n"
        "Send /start when you want to pick up where you left off."
    ),
    "NOTHING_TO_CANCEL": "There's nothing to cancel. Send /start to see what's open.",
    "NOT_UNDERSTOOD": (
        "I'm not sure what you mean. Send /start to see what you can answer, or /help for help."
    ),
    "HELP": (
        "{HELPLINES}\n"
        "\n"
        "Here's what I can do:\n"
        "\n"
        "/start – see the consultations you can answer (or carry on with one)\n"
        "/feedback – tell the team anything, anonymously\n"
        "/updates – hear what changed because of what young people said\n"
        "/cancel – pause what you're doing; your answers so far are kept\n"
        "/mydata – see what we hold about you\n"
        "/aboutyou – see or change what you told us about you\n"
        "/deleteme – delete your data\n"
        "/privacy – what we keep and who sees it\n"
        "/language – change the language\n"
        "/easyread – easy read: shorter, simpler questions\n"
        "/listen – hear questions as voice notes, where we have them\n"
        "/help – this message\n"
        "\n"
        "Answer by tapping the buttons. For questions that ask you to type, just send a message."
    ),
    "HELP_EASY": (
        "{HELPLINES}\n"
        "\n"
        "What you can send me:\n"
        "\n"
        "/start – see what you can answer\n"
        "/feedback – tell the team something. We don't put your name on it.\n"
        "/cancel – stop for now. We keep your answers.\n"
        "/mydata – see what we keep about you\n"
        "/deleteme – delete it\n"
        "/language – change the language\n"
        "/easyread – turn easy read off\n"
        "/help – this message\n"
        "\n"
        "Tap the buttons to answer. If a question asks you to type, send a message."
    ),
    # The command menu beside the message box (a description each, at most 256 characters).
    "MENU_START": "See what you can have your say on",
    "MENU_FEEDBACK": "Tell the team anything, anonymously",
    "MENU_UPDATES": "Hear what changed because of you",
    "MENU_CANCEL": "Pause what you're answering",
    "MENU_LANGUAGE": "Change the language",
    "MENU_EASYREAD": "Easy read: shorter, simpler questions",
    "MENU_PRIVACY": "What we keep and who sees it",
    "MENU_MYDATA": "See what we hold about you",
    "MENU_ABOUTYOU": "See or change what you told us about you",
    "MENU_DELETEME": "Delete your data",
    "MENU_HELP": "What I can do",
    "SOMETHING_WENT_WRONG": (
        "Sorry, something went wrong on our side. Your answers so far are safe — please try again in a "
        "moment."
    ),
    # --- anonymous feedback -----------------------------------------------------------------------
    "FEEDBACK_BUTTON": "💬 Tell the team something",
    "FEEDBACK_TOPIC": (
        "💬 Tell the team anything. It's anonymous: we don't keep your name, username or number with it.\n"
        "\n"
        "What's it about?"
    ),
    "FEEDBACK_WHICH_TOPIC": (
        "Got it:\n\n{messages}\n\nWhat's it about? Pick one, then you can check it and send it."
    ),
    "TYPED_AT_BUTTONS": (
        "This question is answered with the buttons, so “{words}” isn't saved as an answer. Would you "
        "like to send it to the team instead? It's anonymous."
    ),
    "SEND_AS_FEEDBACK_BUTTON": "💬 Send it to the team",
    "DID_YOU_MEAN": "Did you mean “{label}”? Tap it to answer:",
    "OFFER_GONE": "That message isn't kept any more. You can type it again after /feedback.",
    "FINISH_FIRST": "First send or drop the message you're writing, then tap Answer back again.",
    "STOPPED_ALREADY": "That's done already: the team's answer can't reach you.",
    "FEEDBACK_NOT_SENT": "Your message to the team wasn't sent. You can send it any time with /feedback.",
    "ALREADY_TICKED": "“{label}” is ticked already. Tap Next when you're ready.",
    "FEEDBACK_WRITE": "✏️ {topic}: type your message and send it (up to {limit} characters).",
    "FEEDBACK_CONFIRM": (
        "Here's what you wrote:\n"
        "\n"
        "{messages}\n"
        "\n"
        "Tap Send to pass it to the team, or type another message to add to it."
    ),
    "TOPIC_HUB": "🏠 The hub",
    "TOPIC_STAFF": "🧑 Staff",
    "TOPIC_SERVICE": "🤝 The service",
    "TOPIC_BOT": "🤖 This bot",
    "TOPIC_OTHER": "✏️ Something else",
    "FEEDBACK_SEND_BUTTON": "✅ Send",
    "FEEDBACK_ASK_BUTTON": "💬 Send, and I'd like an answer",
    "FEEDBACK_SENT_ASKED": (
        "✅ Sent. The team's answer will come here. Until it does (30 days at most), we keep your "
        "Telegram number locked away with your message: the team can't see who you are."
    ),
    "TEAM_ANSWERED": (
        "💬 The team answered the message you sent on {day}:\n"
        "\n"
        "{answer}\n"
        "\n"
        "You can answer back once, until {until}."
    ),
    "ANSWER_BACK_BUTTON": "↩️ Answer back",
    "ANSWER_NOT_COMING": (
        "Sorry: the team couldn't answer the message you sent on {day} in time, so we've deleted the "
        "locked copy of your Telegram number. You can still tell them anything with /feedback."
    ),
    "ANSWER_BACK_WRITE": (
        "↩️ Type your answer to the team and send it (up to {limit} characters). It's anonymous too."
    ),
    "ANSWER_BACK_CLOSED": (
        "The time to answer back has passed, so this can't go as an answer. You can still send it "
        "as new feedback:"
    ),
    "ANSWER_BACK_GONE": (
        "You've already answered back, or the time for it has passed. You can still tell the team "
        "anything with /feedback."
    ),
    "FEEDBACK_CANCEL_BUTTON": "❌ Don't send",
    "FEEDBACK_SENT": "✅ Sent. Thank you for telling us — the team reads every message.",
    "FEEDBACK_CANCELLED": "OK, nothing was sent.",
    "FEEDBACK_LOST": (
        "Sorry, we lost that message. Our bot restarted, and we never keep messages you haven't sent. "
        "Please write it again."
    ),
    "FEEDBACK_EMPTY": "There's nothing to send yet: type your message first.",
    "FEEDBACK_TOO_MANY": (
        "You've sent a lot of messages in the last hour, so please wait a little before sending more. If "
        "you need help now, call Childline free on 0800 1111."
    ),
    # --- updates ---------------------------------------------------------------------------------
    "UPDATES_ASK": (
        "📣 Would you like updates about what changed because of what young people said? About one message "
        "a month at most. You can change your mind any time with /updates."
    ),
    "UPDATES_YES_BUTTON": "🔔 Yes please",
    "UPDATES_NO_BUTTON": "🔕 No thanks",
    "UPDATES_ON": "🔔 You'll get updates. Send /updates to stop them.",
    "YOU_SAID": "📣 You said, we did\n\n{words}\n\n(Send /updates to stop these.)",
    "UPDATES_OFF": "🔕 No updates. Send /updates if you change your mind.",
    # --- safeguarding ------------------------------------------------------------------------------
    # The helplines, in one place: in the signposting and at the top of /help ({HELPLINES}).
    "HELPLINES": (
        "• Childline: call 0800 1111 (free, any time, day or night) or chat at childline.org.uk\n"
        "• Samaritans: call 116 123 (free, any time)\n"
        "• Shout: text SHOUT to 85258 (free, any time)\n"
        "• If you or someone else is in danger right now, call 999."
    ),
    "SIGNPOST": (
        "💜 It sounds like things might be really hard right now. You don't have to deal with it alone.\n"
        "\n"
        "{HELPLINES}\n"
        "\n"
        "Would you like someone from the team to contact you?"
    ),
    "CONTACT_YES_BUTTON": "Yes, please contact me",
    "CONTACT_NO_BUTTON": "No thanks",
    # The answer comes as a new message, so the helplines stay on screen above it.
    "CONTACT_YES": (
        "Thank you. Someone from the team will get in touch. They work {hours}, so they'll see this "
        "{when}.\n"
        "\n"
        "If you're in danger now, call 999."
    ),
    "CONTACT_NO": (
        "That's OK. The team will still see what you wrote, without your name. They work {hours}, so "
        "they'll see it {when}.\n"
        "\n"
        "The helplines above are free, any time."
    ),
    "CONTACT_CHANGED": "✅ Your answer is now: {answer}",
    "CONTACT_ALREADY": "You've already told us: {answer}",
    # {when} in CONTACT_YES and CONTACT_NO: the team is in now, or when they are next in.
    "TEAM_SOON": "soon",
    "TEAM_TODAY": "today after {time}",
    "TEAM_TOMORROW": "tomorrow after {time}",
    "TEAM_ON_DAY": "on {day} after {time}",
    # {hours} when TEAM_HOURS is "always".
    "TEAM_ANY_TIME": "every day, day and night",
    "DAY_1": "Monday",
    "DAY_2": "Tuesday",
    "DAY_3": "Wednesday",
    "DAY_4": "Thursday",
    "DAY_5": "Friday",
    "DAY_6": "Saturday",
    "DAY_7": "Sunday",
    # Days in the team's hours, e.g. "Mon" in "Mon-Fri 9:00-17:00".
    "DAY_SHORT_1": "Mon",
    "DAY_SHORT_2": "Tue",
    "DAY_SHORT_3": "Wed",
    "DAY_SHORT_4": "Thu",
    "DAY_SHORT_5": "Fri",
    "DAY_SHORT_6": "Sat",
    "DAY_SHORT_7": "Sun",
    "REVIEW_FOLLOW_UP": (
        "💜 Someone from the team read something you sent us and wanted to check you're OK."
    ),
    # --- erasing your data -------------------------------------------------------------------------
    "ERASE_ASK": (
        "🗑️ Delete your data?\n"
        "\n"
        "We will delete:\n"
        "• that you agreed to take part\n"
        "• where you're up to in any consultation\n"
        "• every answer you gave, even anonymous ones. We find those with your Telegram number, only "
        "because you ask.\n"
        "• the Telegram number we lock away if you asked for an answer to feedback.\n"
        "• what you told us about you, like your age.\n"
        "\n"
        "If you asked us to contact you and nobody in the team has picked it up yet, we delete your name "
        "and number from it. Once someone has, we keep them for {contact_days} after that, to keep "
        "you safe.\n"
        "\n"
        "We can't delete:\n"
        "• feedback you sent, because nothing links it to you (that's how we keep it anonymous)\n"
        "• ideas the team approved, which stay as options for a vote (without your name)\n"
        "• totals already shared\n"
        "• a message that said someone was in danger: the team may need it to keep you or others safe\n"
        "• copies in our backups, which are replaced within {backup_days}.\n"
        "\n"
        "This can't be undone."
    ),
    "ERASE_YES_BUTTON": "🗑️ Yes, delete my data",
    "ERASE_ANSWER_CLEARED": (
        "We also deleted your locked Telegram number kept for an answer to your feedback, so that "
        "answer can't reach you now."
    ),
    "ERASE_CONTACT_CLEARED": (
        "We also deleted your name and Telegram number from your request to be contacted."
    ),
    "ERASE_NO_BUTTON": "Keep my data",
    "ERASE_ABOUT_YOU_CLEARED": "We also deleted what you told us about you.",
    "ERASE_KEPT": "OK, nothing has been deleted.",
    "NOTHING_STORED": "We don't have anything stored about you, so there's nothing to delete.",
    # {answers} and {responses} are counted in words: ERASE_ANSWERS and ERASE_CONSULTATIONS (PLURALS).
    "ERASE_DONE": (
        "✅ Done. We deleted {answers} in {responses}, and that you agreed to take part. If you send /start "
        "again, we'll ask you first, like new."
    ),
    # --- about you: a few optional questions, asked once, after a consultation's answers are sent -----
    "ABOUT_OFFER": (
        "👤 Can we ask a few short questions about you? You can skip any of them. They help the team "
        "check they hear from all kinds of young people. Nobody sees your answers next to your name."
    ),
    "ABOUT_GO_BUTTON": "👍 Yes, ask me",
    "ABOUT_NO_BUTTON": "No thanks",
    "ABOUT_STOP_BUTTON": "⏹ No more questions",
    "ABOUT_HEADING": "👤 About you ({n} of {total})",
    "ABOUT_AGE": "How old are you?",
    "ABOUT_AGE_11_13": "11 to 13",
    "ABOUT_AGE_14_15": "14 or 15",
    "ABOUT_AGE_16_17": "16 or 17",
    "ABOUT_AGE_18_21": "18 to 21",
    "ABOUT_AGE_22_25": "22 to 25",
    "ABOUT_GENDER": "Which of these describes you best?",
    "ABOUT_GIRL": "A girl or young woman",
    "ABOUT_BOY": "A boy or young man",
    "ABOUT_NON_BINARY": "Non-binary",
    "ABOUT_ANOTHER_WAY": "I describe myself another way",
    "ABOUT_AREA": "Where do you live?",
    "ABOUT_CARE": "Are you in care, or have you ever been? For example, foster care or a children's home.",
    "ABOUT_DISABILITY": "Do you have a disability, or an illness that lasts a long time?",
    "ABOUT_YES": "Yes",
    "ABOUT_NO": "No",
    "ABOUT_NOT_SURE": "I'm not sure",
    "ABOUT_ETHNICITY": "What is your ethnic group?",
    "ABOUT_ASIAN": "Asian or Asian British",
    "ABOUT_BLACK": "Black British, Caribbean or African",
    "ABOUT_MIXED": "Mixed or more than one group",
    "ABOUT_WHITE": "White",
    "ABOUT_OTHER_ETHNIC": "Another ethnic group",
    "ABOUT_DONE": "✅ Thank you! /aboutyou shows what you told us. You can change it or delete it there.",
    "ABOUT_STOPPED": "OK, no more questions. /aboutyou is there if you change your mind.",
    "ABOUT_MINE": (
        "👤 About you\n"
        "\n"
        "{lines}\n"
        "\n"
        "We keep this locked away. The team can't read it. Results show it only as ranges, like "
        "“fewer than 5”."
    ),
    "ABOUT_NOTHING": (
        "👤 You haven't told us anything about you. Some of our questions end with a few short "
        "ones about you."
    ),
    "ABOUT_CHANGE_BUTTON": "✏️ Change my answers",
    "ABOUT_DELETE_BUTTON": "🗑️ Delete these",
    "ABOUT_DELETE_ASK": (
        "Delete what you told us about you? We may ask again later: you can always say No thanks."
    ),
    "ABOUT_DELETE_YES_BUTTON": "🗑️ Yes, delete it",
    "ABOUT_KEEP_BUTTON": "Keep it",
    "ABOUT_KEPT": "OK, nothing has been deleted.",
    "ABOUT_DELETED": (
        "✅ Deleted. From now on, your answers aren't counted in any group. Results already shared "
        "stay as they are."
    ),
    # --- what we hold about you (/mydata) ------------------------------------------------------------
    "MYDATA_TITLE": "📋 What we hold about you",
    "MYDATA_AGREED": (
        "You agreed to take part on {day}. Language: {language}. Easy read: {easy}. Voice notes: "
        "{listen}. Updates from us: {updates}. You last used youthvoice in {month} (we keep only the "
        "month, so we know when to delete your details if you stop)."
    ),
    "MYDATA_ON": "on",
    "MYDATA_OFF": "off",
    "MYDATA_IN_PROGRESS": "📝 “{title}”: not sent yet. Your answers so far:",
    "MYDATA_SENT": "✅ “{title}”: sent. Your answers:",
    "MYDATA_NO_ANSWERS": "(no answers yet)",
    "MYDATA_VOTED": "🗳️ You voted in “{title}”.",
    "MYDATA_IDEAS": "💡 Ideas you sent to “{title}”: {ideas}",
    "MYDATA_NO_RESPONSES": "You haven't answered any consultations.",
    "MYDATA_CONTACT": (
        "🛟 On {day} you asked the team to contact you. With what you wrote, we keep your Telegram "
        "number and your name as Telegram shows it ({name})."
    ),
    "MYDATA_CONTACT_TAKEN": "Someone in the team has picked this up.",
    "MYDATA_CONTACT_WAITING": "Nobody in the team has picked this up yet: you can withdraw it below.",
    "MYDATA_CONCERN": (
        "👀 A worker will read something you sent, to check you're OK. Your Telegram number stays with it "
        "until they decide."
    ),
    "MYDATA_ANSWER_WAITING": (
        "💬 You asked for an answer to feedback you sent on {day}. Until it comes (30 days at most), we "
        "keep your Telegram number locked away with it: the team can't see it. The button below deletes "
        "it."
    ),
    "STOP_WAITING_BUTTON": "💬 Stop waiting for an answer ({day})",
    "STOPPED_WAITING": (
        "✅ Done: we've deleted your Telegram number from that message, so the team's answer can't "
        "reach you. What you wrote stays with the team, without your name."
    ),
    "MYDATA_FEEDBACK": (
        "💬 Feedback you sent is anonymous: nothing links it to you, so we can't find it or show it here."
    ),
    "MYDATA_NOTHING": "We don't hold anything about you.",
    "MYDATA_ABOUT_YOU": (
        "👤 We keep what you told us (or that you skipped) when we asked a few questions about you: "
        "/aboutyou shows it."
    ),
    "MYDATA_MORE": "/privacy says why we keep this and for how long. /deleteme deletes it.",
    "WITHDRAW_CONTACT_BUTTON": "🛟 Withdraw my request of {day}",
    "CONTACT_WITHDRAWN": (
        "✅ Done: we've deleted your name and Telegram number from your request, so the team won't "
        "contact you about it. What you wrote stays with the team, without your name.\n"
        "\n"
        "If you need someone to talk to, Childline is free on 0800 1111, any time."
    ),
    "NOT_WITHDRAWN": "That request has already been withdrawn or picked up by the team.",
    "REMINDER": (
        "👋 You started “{title}” but haven't finished. Your answers so far are saved: tap below to carry "
        "on. (This is the only reminder.)"
    ),
    "CARRY_ON_BUTTON": "▶️ Carry on",
    # --- ideas (suggestion questions) --------------------------------------------------------------
    "IDEA_HINT": "Type your idea and send it (up to {limit} characters). You can send up to {most}.",
    "IDEAS_FULL": (
        "That's the most ideas you can send. Tap Next to carry on, or take one back to send a new one."
    ),
    "YOUR_IDEAS": "Your ideas so far:",
    "ASK_WHY": (
        "✅ Got it: “{idea}”. The team checks every idea before anyone else sees it.\n"
        "\n"
        "Why did you pick it? Type a few words — or tap the button if you'd rather not say."
    ),
    "NO_REASON_BUTTON": "No reason, carry on ➡️",
    "IDEA_NEEDS_WORDS": (
        "Please use some letters or numbers — emoji or punctuation on their own can't be a name."
    ),
    "IDEA_ALREADY_SENT": "You've already sent that idea. Try a different one, or tap Next.",
    "WITHDRAW_BUTTON": "🗑️ Take an idea back",
    "WITHDRAW_ASK": "Which idea do you want to take back? We'll remove it.",
    "KEEP_IDEAS_BUTTON": "↩️ Keep them all",
    # --- ranking (votes) ---------------------------------------------------------------------------
    "RANK_HINT": (
        "Tap them in order: your favourite first, then your next favourite, and so on. Stop whenever you "
        "like, then tap Done."
    ),
    "RANKING_EMPTY": "Your order so far: nothing yet.",
    "RANKING_SO_FAR": "Your order so far:",
    "UNDO_BUTTON": "↩️ Undo",
    "RESTART_BUTTON": "🔄 Start again",
    "DONE_RANKING_BUTTON": "Done ➡️",
    "ALREADY_RANKED": "That one is already in your list.",
    "ALREADY_SENT_TITLE": "You've already sent your answers to “{title}”:",
    "CHANGE_ASK": "Changed your mind? You can change them until it closes; only your newest answers count.",
    "CHANGE_BUTTON": "✏️ Change my answers",
    "NOT_READY": "Sorry, “{title}” isn't ready yet: the team is still choosing what goes on it.",
    # In place of typed words that went to the safeguarding team as an alert (kept there, once).
    "WORDS_WITH_THE_TEAM": "(sent to the safeguarding team)",
    "RESULT_BUTTON": "🏆 Result: {title}",
    "NO_RESULT_YET": "The result of “{title}” isn't out yet. We'll share it once voting has closed.",
    "RESULT_NOBODY_VOTED": "🗳️ “{title}” has closed. Nobody voted, so there's no result.",
    "RESULT_NO_VOTES": "🗳️ “{title}” has closed. No option got any votes, so there's no result.",
    "RESULT_WON": (
        "🗳️ “{title}” has closed. Thank you to everyone who voted!\n\n"
        "🏆 The winner is “{winner}”.\n\n"
        "The chart shows how many put each option first, as a range, so nobody can be picked out."
    ),
    "RESULT_TOO_FEW": (
        "🗳️ “{title}” has closed. Thank you for voting!\n\n"
        "So few people voted that sharing the result could show how each of them voted, so it stays "
        "with the participation team."
    ),
    "NO_CHOICE": "no choice",
    "EITHER": "{first} or {second}",
    "QUICK_POLL_INTRO": "A quick poll from the participation team. One tap, and it's anonymous.",
    "INVITATION": (
        "📣 New: “{title}”\n"
        "\n"
        "{intro}\n"
        "\n"
        "Tap below to have your say. (You get these because you asked for updates; send /updates to stop "
        "them.)"
    ),
    "TAKE_PART_BUTTON": "▶️ Take part",
    # --- sentences with numbers in them, and the face scale's words --------------------------------
    "TOO_MANY_CHOICES": "You can pick up to {limit}. Tap one you've picked to remove it first.",
    "TOO_LONG": (
        "That's a bit long — please keep it to {limit} characters (yours was {length}). Nothing has been "
        "saved yet, so try again."
    ),
    "FEEDBACK_TOO_LONG": (
        "That message is {length} characters; the most is {limit}. Please split it into shorter messages — "
        "nothing has been lost, you can copy it."
    ),
    "FACE_3_1": "🙁 Not good",
    "FACE_3_2": "😐 OK",
    "FACE_3_3": "🙂 Good",
    "FACE_5_1": "😞 Really bad",
    "FACE_5_2": "🙁 Bad",
    "FACE_5_3": "😐 OK",
    "FACE_5_4": "🙂 Good",
    "FACE_5_5": "😀 Really good",
}

# Sentences with a count in them, by name: English's two forms, for 1 and for any other number ({n}).
# Other languages have as many forms as their grammar needs (Arabic six: for 0, 1, 2, 3-10, 11-99 and
# 100-102, by the last two digits), chosen by the catalog's gettext plural rule; `plural(NAME, n)`
# gives the right one.
PLURALS: dict[str, tuple[str, str]] = {
    # How long something is kept: the privacy notice's and /deleteme's `{..._days}`.
    "DAYS": ("{n} day", "{n} days"),
    "ERASE_ANSWERS": ("{n} answer", "{n} answers"),
    "ERASE_CONSULTATIONS": ("{n} consultation", "{n} consultations"),
    "TOO_MANY_IDEAS": (
        "You've sent {n} idea, which is the most. Take it back to send a different one.",
        "You've sent {n} ideas, which is the most. Take one back to send a different one.",
    ),
}
# Faces with words for a 3- or 5-point scale: the words carry the meaning, not the emoji alone.
FACE_SCALES = (3, 5)


# A sentence NAME with a NAME_EASY beside it is said in that wording to someone who chose easy read.
EASY = "_EASY"

# Sentences shown inside others, so their words live in one place: `{HELPLINES}` in a sentence
# is that sentence, in the same language.
INCLUDED = ("HELPLINES",)


def __getattr__(name: str) -> str:
    """`texts.NAME`: the sentence in the current young person's language."""
    if name not in ENGLISH:
        raise AttributeError(f"bot.core.texts has no sentence {name!r}")
    return _sentence(name)


def _sentence(name: str) -> str:
    if current().easy and f"{name}{EASY}" in ENGLISH:
        name = f"{name}{EASY}"
    text = translate(name, ENGLISH[name])
    for part in INCLUDED:
        mark = f"{{{part}}}"
        if mark in text:
            words = translate(part, ENGLISH[part])
            isolated = f"{FIRST_STRONG_ISOLATE}{mark}{POP_DIRECTIONAL_ISOLATE}"  # right-to-left
            text = text.replace(isolated, words).replace(mark, words)
    return text


def _say(name: str, **values: object) -> str:
    return _sentence(name).format(**values)


def plural(name: str, n: int, **values: object) -> str:
    """A sentence with a count in it (PLURALS), in the form the reader's language uses for `n`
    (easy read's, where there is one); `values` fill its other placeholders."""
    if current().easy and f"{name}{EASY}" in PLURALS:
        name = f"{name}{EASY}"
    one, many = PLURALS[name]
    return translate_plural(name, one, many, n).format(n=n, **values)


def erase_done(answers: int, responses: int) -> str:
    """After /deleteme: how many answers, in how many consultations, were deleted."""
    return _say(
        "ERASE_DONE",
        answers=plural("ERASE_ANSWERS", answers),
        responses=plural("ERASE_CONSULTATIONS", responses),
    )


def topic_label(topic_id: str, label: str) -> str:
    """A feedback topic's label in the reader's language: ours are translated; one a council set
    (FEEDBACK_TOPICS) is shown as written."""
    name = f"TOPIC_{topic_id.upper()}"
    return translate(name, label) if ENGLISH.get(name) == label else label


def faces(points: int) -> tuple[str, ...]:
    """The words (with a face each) for a 3- or 5-point face scale; () for other sizes."""
    if points not in FACE_SCALES:
        return ()
    return tuple(_say(f"FACE_{points}_{n}") for n in range(1, points + 1))


def too_many_choices(limit: int) -> str:
    return _say("TOO_MANY_CHOICES", limit=limit)


def too_long(length: int, limit: int) -> str:
    return _say("TOO_LONG", length=length, limit=limit)


def feedback_too_long(length: int, limit: int) -> str:
    return _say("FEEDBACK_TOO_LONG", length=length, limit=limit)


def too_many_ideas(most: int) -> str:
    return plural("TOO_MANY_IDEAS", most)


def contact_reply(wants_contact: bool, hours: str, when: str) -> str:
    """What a young person reads after their choice: `hours` the team works, `when` they'll see it."""
    return _say("CONTACT_YES" if wants_contact else "CONTACT_NO", hours=hours, when=when)


def contact_changed(answer: str) -> str:
    return _say("CONTACT_CHANGED", answer=answer)


def contact_already(answer: str) -> str:
    return _say("CONTACT_ALREADY", answer=answer)


def short_days() -> tuple[str, ...]:
    """Monday to Sunday, as short as the language has them (for the team's hours)."""
    return tuple(_say(f"DAY_SHORT_{n}") for n in range(1, 8))


def team_sees(now: datetime, opens: datetime) -> str:
    """When the team will see a message sent at `now`: "soon" if they are in (`opens` is not
    later), else "today/tomorrow/on Monday after 9:00" (`opens` is in the team's time zone)."""
    if opens <= now:
        return _say("TEAM_SOON")
    at = f"{opens.hour}:{opens.minute:02d}"
    days = (opens.date() - now.astimezone(opens.tzinfo).date()).days
    if days == 0:
        return _say("TEAM_TODAY", time=at)
    if days == 1:
        return _say("TEAM_TOMORROW", time=at)
    return _say("TEAM_ON_DAY", day=_say(f"DAY_{opens.weekday() + 1}"), time=at)
