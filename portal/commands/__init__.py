"""The `flask --app portal ...` commands of DESIGN.md."""

from flask import Flask


def init_app(app: Flask) -> None:
    from .approvals import remind_command
    from .catalog_file import (
        catalog_empty,
        demo_data,
        demo_sign_ins_command,
        export_command,
        import_command,
    )
    from .check import check_command
    from .database import init_db
    from .mail import send_mail, worker
    from .mail_in import mail_in
    from .people import people
    from .retention import purge_command
    from .rollups import rollups
    from .search import reindex_command
    from .users import users
    from .webhooks import deliver_webhooks, webhooks

    for command in (init_db, demo_data, import_command, export_command, users, catalog_empty,
                    demo_sign_ins_command, send_mail, reindex_command, people,
                    rollups, check_command, purge_command, remind_command, deliver_webhooks,
                    webhooks, worker, mail_in):
        app.cli.add_command(command)
