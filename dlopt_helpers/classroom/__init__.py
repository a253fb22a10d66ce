"""Teaching a class with the course: assignments and grading with nbgrader.

- ``assignment``: the course's notebooks as an nbgrader course (``make student``): a *source* version per chapter
  (solutions marked for nbgrader, a locked graded cell after each exercise) and the *release* version nbgrader
  generates from it (what learners get: the learner cells, no solutions, no outputs).
- ``grade``: one command grades a folder of submitted notebooks (``make grade``): nbgrader ``autograde`` per
  learner, each kernel in ``sandbox``, a gradebook CSV (learner × exercise) and an HTML feedback file per learner.
- ``sandbox``: the kernel launcher that runs a submission with a memory limit, a private writable folder, and the
  rest of the file system read-only (bubblewrap), so a submission can only change its own grade.

The teacher's guide is ``docs/instructor.md`` ("Grading a class").
"""
