"""The spoken interview: prompt, live recording fed to the analysis, follow-ups, session records."""
