"""Interoperability: other systems' files in and out of this course format.

* ``gift_model`` holds the values of a question; ``gift_parser`` reads Moodle's GIFT
  question format, ``aiken_parser`` Moodle's Aiken format, ``gift_writer`` writes GIFT.
* ``mapping`` turns parsed GIFT/Aiken questions into questions of this course format and
  back; ``scoring`` maps Moodle's answer weights onto this product's scoring (the one place
  to adjust when the product's scoring changes).
* ``textformat`` converts text between Moodle's formats (html, plain, moodle, markdown) and
  this product's Markdown.
* ``questions_io`` runs an import or export and collects its findings; ``yamlout`` writes
  question files an author can review.
* ``policy_import`` turns a policy document (DOCX, Markdown, HTML) into sections,
  ``policy_ids`` keeps section ids stable across re-imports, ``scaffold`` writes a course
  folder from it.
* ``cli`` adds ``new-course``, ``import-questions`` and ``export-questions`` to ``flask lms``.

See docs/interop.md.
"""
