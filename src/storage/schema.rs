//! The tables both backends share, in types both understand.

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        display_name -> Text,
        role -> Text,
        password_hash -> Nullable<Text>,
        disabled -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        notify_new_comments -> Bool,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        last_seen_at -> Timestamp,
        user_agent -> Text,
        ip -> Text,
    }
}

diesel::table! {
    two_factor (user_id) {
        user_id -> BigInt,
        secret -> Text,
        enabled -> Bool,
        last_step -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    recovery_codes (id) {
        id -> BigInt,
        user_id -> BigInt,
        code_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    pending_sign_ins (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> BigInt,
        account -> Text,
        ip -> Text,
        succeeded -> Bool,
        attempted_at -> Timestamp,
    }
}

diesel::table! {
    site_meta (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    posts (id) {
        id -> BigInt,
        slug -> Text,
        title -> Text,
        body_markdown -> Text,
        excerpt -> Text,
        author_id -> BigInt,
        status -> Text,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        comment_mode -> Text,
        comments_closed_note -> Nullable<Text>,
        flood_closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    tags (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
    }
}

diesel::table! {
    post_tags (post_id, tag_id) {
        post_id -> BigInt,
        tag_id -> BigInt,
    }
}

diesel::table! {
    slug_redirects (old_slug) {
        old_slug -> Text,
        post_id -> BigInt,
    }
}

diesel::table! {
    comments (id) {
        id -> BigInt,
        post_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        author_name -> Text,
        email -> Text,
        email_key -> Text,
        website -> Text,
        body -> Text,
        status -> Text,
        auto_action -> Text,
        score -> Double,
        hits -> Text,
        engine_version -> Text,
        fingerprint -> Text,
        ip -> Nullable<Text>,
        network -> Text,
        user_agent -> Text,
        form_seconds -> Nullable<Double>,
        form_check -> Text,
        honeypot -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        hidden_at -> Nullable<Timestamp>,
        notify_replies -> Bool,
    }
}

diesel::table! {
    form_nonces (nonce) {
        nonce -> Text,
        used_at -> Timestamp,
    }
}

diesel::table! {
    commenter_history (email_key) {
        email_key -> Text,
        published -> BigInt,
        held -> BigInt,
        rejected -> BigInt,
        first_at -> Timestamp,
    }
}

diesel::table! {
    commenters (email_key) {
        email_key -> Text,
        standing -> Text,
        note -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    learned_tokens (lesson, token) {
        lesson -> Text,
        token -> Text,
        positive -> BigInt,
        negative -> BigInt,
    }
}

diesel::table! {
    comment_events (id) {
        id -> BigInt,
        comment_id -> BigInt,
        actor_id -> Nullable<BigInt>,
        action -> Text,
        from_status -> Text,
        to_status -> Text,
        house_rule -> Nullable<Integer>,
        note -> Text,
        original_body -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        actor_id -> Nullable<BigInt>,
        action -> Text,
        target_kind -> Text,
        target_id -> Nullable<BigInt>,
        detail -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    bans (id) {
        id -> BigInt,
        email_key -> Nullable<Text>,
        network -> Nullable<Text>,
        expires_at -> Nullable<Timestamp>,
        note -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        lifted_at -> Nullable<Timestamp>,
        address -> Nullable<Text>,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        recipient -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Nullable<Text>,
        kind -> Text,
        comment_id -> Nullable<BigInt>,
        post_id -> Nullable<BigInt>,
        unsubscribe_url -> Nullable<Text>,
        status -> Text,
        attempts -> BigInt,
        next_attempt_at -> Timestamp,
        claimed_by -> Nullable<Text>,
        claimed_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    reply_subscriptions (email_key, post_id) {
        email_key -> Text,
        post_id -> BigInt,
        email -> Text,
        created_at -> Timestamp,
        confirmed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    mail_state (name) {
        name -> Text,
        last_sent_at -> Nullable<Timestamp>,
        last_comment_id -> BigInt,
    }
}

diesel::table! {
    wp_posts (wp_id) {
        wp_id -> BigInt,
        post_id -> Nullable<BigInt>,
        guid -> Text,
        wp_slug -> Text,
        post_type -> Text,
    }
}

diesel::table! {
    wp_comments (wp_id) {
        wp_id -> BigInt,
        comment_id -> BigInt,
    }
}

diesel::table! {
    reports (id) {
        id -> BigInt,
        comment_id -> BigInt,
        reason -> Text,
        detail -> Text,
        reporter_name -> Nullable<Text>,
        reporter_email -> Nullable<Text>,
        network -> Text,
        created_at -> Timestamp,
        outcome -> Nullable<Text>,
        resolved_by -> Nullable<BigInt>,
        resolved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    appeals (id) {
        id -> BigInt,
        comment_id -> BigInt,
        explanation -> Text,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<BigInt>,
        outcome -> Nullable<Text>,
        decision_note -> Text,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(two_factor -> users (user_id));
diesel::joinable!(recovery_codes -> users (user_id));
diesel::joinable!(pending_sign_ins -> users (user_id));
diesel::joinable!(comment_events -> comments (comment_id));
diesel::joinable!(comments -> posts (post_id));
diesel::joinable!(posts -> users (author_id));
diesel::joinable!(post_tags -> posts (post_id));
diesel::joinable!(post_tags -> tags (tag_id));
diesel::joinable!(slug_redirects -> posts (post_id));
diesel::joinable!(reply_subscriptions -> posts (post_id));
diesel::joinable!(wp_posts -> posts (post_id));
diesel::joinable!(wp_comments -> comments (comment_id));
diesel::joinable!(reports -> comments (comment_id));
diesel::joinable!(appeals -> comments (comment_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    sessions,
    two_factor,
    recovery_codes,
    pending_sign_ins,
    login_attempts,
    site_meta,
    posts,
    tags,
    post_tags,
    slug_redirects,
    comments,
    form_nonces,
    commenter_history,
    commenters,
    learned_tokens,
    comment_events,
    audit_log,
    bans,
    outbox,
    reply_subscriptions,
    mail_state,
    wp_posts,
    wp_comments,
    reports,
    appeals,
);
