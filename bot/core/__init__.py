"""Pure logic: consultation definitions, the answering rules and what a young person sees."""
