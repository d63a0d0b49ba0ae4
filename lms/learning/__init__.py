"""The learner's pages: the home, course and module pages, the policy, assessments and
scenarios. They sit above ``lms.certification`` because every page shows where the
learner stands in their certification cycle; the engines they drive (grading attempts,
playing scenarios) live below, in ``lms.quizzes`` and ``lms.scenarios``."""
