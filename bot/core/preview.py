"""What a worker sees around a preview of a consultation (`/preview`): a banner on every screen, so
nobody mistakes it for the real thing, and an end that asks whether to launch it. The team's
words, in English like the rest of the team's side: young people never see them."""

PREVIEW_BANNER = "👁️ PREVIEW: what young people will see. Nothing here is counted.\n\n"
PREVIEW_ABOUT_END = "That's the end of the questions about you. In a preview, nothing you tap is kept."
PREVIEW_END = "That's the end of the preview. Launch it for young people now, or keep it as a draft?"
LAUNCH_IT_BUTTON, KEEP_DRAFT_BUTTON = "🚀 Launch it", "📝 Keep as draft"
PREVIEW_LAUNCH, PREVIEW_KEEP = "launch", "keep"  # the values of the end's buttons (Kind.PREVIEWED)
