-- One row per loaded report with a stable jurisdiction_key.
--
-- Key rule: `province|parent|jurisdiction`, each part normalised (trimmed, lower-cased,
-- spaces removed). A report that omits its province (or parent) borrows it from the other
-- reports of the same jurisdiction name when they agree on exactly one value, so 坪山区 keyed
-- with and without 广东省 still merge. Masked reports (`masked`, or a name containing `*`) and
-- reports without a jurisdiction never merge with anything: they are keyed per document
-- (`doc:<doc>`).
with

reports as (

    select * from {{ ref('stg_raw__reports') }}

),

normalised as (

    select
        doc,
        masked or jurisdiction is null or jurisdiction like '%*%' as is_keyed_per_doc,
        {{ normalise_name('jurisdiction') }} as jurisdiction_norm,
        {{ normalise_name('parent') }} as parent_norm,
        {{ normalise_name('province') }} as province_norm
    from reports

),

province_by_name as (

    select
        jurisdiction_norm,
        min(province_norm) as only_province
    from normalised
    where not is_keyed_per_doc
        and province_norm is not null
    group by jurisdiction_norm
    having count(distinct province_norm) = 1

),

province_filled as (

    select
        normalised.*,
        coalesce(
            normalised.province_norm, province_by_name.only_province
        ) as key_province
    from normalised
    left join province_by_name
        on normalised.jurisdiction_norm = province_by_name.jurisdiction_norm
        and not normalised.is_keyed_per_doc

),

parent_by_name as (

    select
        jurisdiction_norm,
        key_province,
        min(parent_norm) as only_parent
    from province_filled
    where not is_keyed_per_doc
        and parent_norm is not null
    group by jurisdiction_norm, key_province
    having count(distinct parent_norm) = 1

),

parent_filled as (

    select
        province_filled.*,
        coalesce(
            province_filled.parent_norm, parent_by_name.only_parent
        ) as key_parent
    from province_filled
    left join parent_by_name
        on province_filled.jurisdiction_norm = parent_by_name.jurisdiction_norm
        and province_filled.key_province is not distinct from parent_by_name.key_province
        and not province_filled.is_keyed_per_doc

),

keyed as (

    select
        doc,
        is_keyed_per_doc,
        key_province,
        key_parent,
        case
            when is_keyed_per_doc then 'doc:' || doc
            else concat_ws(
                '|',
                coalesce(key_province, ''),
                coalesce(key_parent, ''),
                jurisdiction_norm
            )
        end as jurisdiction_key
    from parent_filled

),

final as (

    select
        reports.doc,
        keyed.jurisdiction_key,
        reports.jurisdiction,
        reports.parent,
        reports.province,
        case
            when keyed.is_keyed_per_doc then reports.parent
            else coalesce(reports.parent, keyed.key_parent)
        end as resolved_parent,
        case
            when keyed.is_keyed_per_doc then reports.province
            else coalesce(reports.province, keyed.key_province)
        end as resolved_province,
        reports.level,
        reports.masked,
        keyed.is_keyed_per_doc,
        reports.report_year,
        reports.published_on,
        reports.title,
        reports.publisher,
        reports.text_chars
    from reports
    inner join keyed
        on reports.doc = keyed.doc

)

select * from final
