from core.errors import ApplicationError


class DeadlinePassed(ApplicationError):
    pass


class RoundNotOpen(ApplicationError):
    pass


class IncompleteApplication(ApplicationError):
    pass


class UploadRefused(ApplicationError):
    pass
