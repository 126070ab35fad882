/**
 * The dbt-style model used by the template-engine benchmark and its tests: about 60
 * lines with a loop, a macro call and a config call, plus a hand-written JS function that
 * produces the same text (the floor baseline).
 */

/** The model's template text. */
export const MODEL = `{{ config(materialized='table', tags=['finance', 'daily'], unique_key='order_id') }}
{% set payment_methods = ['credit_card', 'coupon', 'bank_transfer', 'gift_card'] %}

with orders as (

    select * from {{ ref('stg_orders') }}

),

payments as (

    select * from {{ ref('stg_payments') }}

),

order_payments as (

    select
        order_id,

        {% for payment_method in payment_methods -%}
        sum(case when payment_method = '{{ payment_method }}' then amount else 0 end) as {{ payment_method }}_amount,
        {% endfor -%}

        sum(amount) as total_amount

    from payments

    group by order_id

),

final as (

    select
        orders.order_id,
        orders.customer_id,
        orders.order_date,
        orders.status,

        {% for payment_method in payment_methods -%}
        order_payments.{{ payment_method }}_amount,
        {% endfor -%}

        {{ cents_to_dollars('order_payments.total_amount') }} as amount

    from orders

    left join order_payments
        on orders.order_id = order_payments.order_id

)

select * from final
{% if is_incremental() %}
where order_date > (select max(order_date) from {{ this }})
{% endif %}
`;

/** The macro file the model calls into. */
export const MACROS = `{% macro cents_to_dollars(column_name, scale=2) -%}
    ({{ column_name }} / 100)::numeric(16, {{ scale }})
{%- endmacro %}`;

/** The host context: config, ref, is_incremental, this. */
export function hostContext(): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  return {
    config: (kwargs: Record<string, unknown>) => {
      Object.assign(config, kwargs);
      return '';
    },
    ref: (name: string) => `"analytics"."main"."${name}"`,
    is_incremental: () => false,
    this: '"analytics"."main"."orders"',
  };
}

/** The floor baseline: the same output built by hand in JS. */
export function handWritten(ctx: { ref: (n: string) => string; config: (k: Record<string, unknown>) => string; is_incremental: () => boolean; this: string }): string {
  ctx.config({ materialized: 'table', tags: ['finance', 'daily'], unique_key: 'order_id' });
  const pm = ['credit_card', 'coupon', 'bank_transfer', 'gift_card'];
  let s = '\n\n\nwith orders as (\n\n    select * from ' + ctx.ref('stg_orders') + '\n\n),\n\npayments as (\n\n    select * from ' + ctx.ref('stg_payments') +
    '\n\n),\n\norder_payments as (\n\n    select\n        order_id,\n\n        ';
  for (const p of pm) s += "sum(case when payment_method = '" + p + "' then amount else 0 end) as " + p + '_amount,\n        ';
  s += 'sum(amount) as total_amount\n\n    from payments\n\n    group by order_id\n\n),\n\nfinal as (\n\n    select\n        orders.order_id,\n        orders.customer_id,\n        orders.order_date,\n        orders.status,\n\n        ';
  for (const p of pm) s += 'order_payments.' + p + '_amount,\n        ';
  s += '(order_payments.total_amount / 100)::numeric(16, 2) as amount\n\n    from orders\n\n    left join order_payments\n        on orders.order_id = order_payments.order_id\n\n)\n\nselect * from final\n';
  if (ctx.is_incremental()) s += '\nwhere order_date > (select max(order_date) from ' + ctx.this + ')\n';
  return s;
}
