"""Invitations: a manager invites a person by email to a role in their service."""
