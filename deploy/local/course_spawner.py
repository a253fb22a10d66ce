"""The course on JupyterHub: each learner's own copy of the course, kept in sync without losing their edits.

``CourseSpawner`` (used by ``jupyterhub_config.py`` next to this file, ``make hub``) is JupyterHub's
``SimpleLocalProcessSpawner`` -- every learner's server runs on this machine as the hub's user, in a folder of its
own -- plus two things a class needs:

- **the course, synced at every start** with nbgitpuller (the tool JupyterHub classes use to hand out notebooks):
  the first start clones the teacher's course repository into the learner's folder; later starts pull the
  teacher's updates and merge them so that *a file the learner changed keeps the learner's version* and every
  other file follows the teacher (nbgitpuller's auto-merge; deleted files come back);
- **a memory limit** (``mem_limit``): an address-space limit (``RLIMIT_AS``) on the learner's server and every
  kernel it starts, so one runaway notebook cannot take the machine (the spawner has no cgroups without root).
"""

from __future__ import annotations

import asyncio
import os
import resource
from pathlib import Path

from traitlets import Unicode

try:
    from jupyterhub.spawner import SimpleLocalProcessSpawner
except ImportError as error:  # the hub extra (make installs it)
    raise ImportError("the course's hub needs JupyterHub: pip install -e '.[hub]' (make hub does it)") from error

__all__ = ["CourseSpawner", "sync_course"]


def sync_course(repository: str, folder: str | os.PathLike, branch: str = "main") -> list[str]:
    """Clone ``repository`` into ``folder``, or pull its updates keeping the learner's changes (nbgitpuller).

    Returns nbgitpuller's log lines. A learner's edited notebook is never overwritten: on a conflict the
    learner's side wins; files the learner did not touch take the teacher's new version.
    """
    try:
        from nbgitpuller.pull import GitPuller
    except ImportError as error:  # the hub extra
        raise ImportError("syncing the course needs nbgitpuller: pip install -e '.[hub]'") from error

    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    puller = GitPuller(repository, str(folder), branch=branch, depth=1)
    return [str(line).rstrip() for line in puller.pull()]


class CourseSpawner(SimpleLocalProcessSpawner):
    """A learner's server in ``<hub folder>/users/<name>/``, holding an nbgitpuller copy of the course."""

    course_repository = Unicode(help="git URL or path of the course the learners get (the teacher's repository)").tag(
        config=True
    )
    course_branch = Unicode("main", help="the branch learners follow").tag(config=True)
    course_folder = Unicode("dlopt", help="the course's folder inside the learner's home").tag(config=True)

    async def start(self):
        home = Path(self.home_dir)
        home.mkdir(parents=True, exist_ok=True)
        if self.course_repository:
            log = await asyncio.to_thread(
                sync_course, self.course_repository, home / self.course_folder, self.course_branch
            )
            self.log.info("course synced for %s: %s", self.user.name, log[-1] if log else "up to date")
        return await super().start()

    def make_preexec_fn(self, name):
        parent = super().make_preexec_fn(name)
        limit = int(self.mem_limit) if self.mem_limit else None

        def preexec():
            parent()
            if limit:  # inherited by every kernel the server starts
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

        return preexec
