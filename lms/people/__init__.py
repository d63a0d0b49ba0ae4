"""Account work that is audited, so it sits above ``lms.audit``: the standalone sign-in
pages with password resets by e-mail (blueprint ``accounts``), and the CSV import of
people. Who people are and who is signed in is ``lms.accounts``, below."""
