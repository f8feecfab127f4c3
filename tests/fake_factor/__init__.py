"""A second factor that exists only in the tests: a "fake token" whose code is a secret
typed by hand. It registers into accounts.factors exactly as a real factor app does, and no
core file names it: that it still appears at sign-in, step-up, guided enrolment, on
"Mon compte" and in PANIC shows the core reads the registry alone."""
